import { KilnError } from '../../shared/errors';
import { sha256Hex } from '../store/blob-store';
import type { KilnStore } from '../store/kiln-store';
import type { RunRecord, SnapshotRecord } from '../store/run-repository';
import { isJobKeyFor } from './farm-auth';
import type { FarmReply, ResumePoint, SnapshotUpload, StatusReport } from './farm-wire';

export type StopMode = 'cancel' | 'pause';

/** How the intake tells the farm launcher (and through it the studio's event stream) what changed. */
export interface FarmIntakeHooks {
  /** A pause or cancel asked for in the studio and not yet carried out by the worker. */
  stopRequested(runId: string): StopMode | null;
  onSnapshot(snapshot: SnapshotRecord): void;
  onStatus(run: RunRecord): void;
}

/**
 * The studio's side of the farm: what workers may read and write, for the run of their job only. Blobs come first
 * (content-addressed, checked against their hash), then the row; a row already there with the same payload is a
 * duplicate (BullMQ delivers at least once), one with another payload a conflict.
 */
export class FarmIntake {
  constructor(
    private readonly store: KilnStore,
    private readonly jobSecret: string,
    private readonly hooks: FarmIntakeHooks,
  ) {}

  /** Refuses a key that is not the one the studio gave this run's job. */
  authorize(runId: string, jobKey: string | undefined): void {
    if (!isJobKeyFor(this.jobSecret, runId, jobKey)) throw new KilnError('forbidden', `this job's key does not open run ${runId.slice(0, 8)}; a worker writes only into the run of its job`);
  }

  resumePoint(runId: string): ResumePoint {
    const { pid: _, worker: __, ...run } = this.store.runs.getRun(runId);
    const latest = this.store.runs.latestSnapshot(runId) ?? null;
    const parent = run.parentRunId !== null && run.parentIteration !== null ? (this.store.runs.snapshotIfPresent(run.parentRunId, run.parentIteration) ?? null) : null;
    return { run, latest, parent };
  }

  /** A blob of this run's snapshots, of the snapshot it branched from, or its reference photo; nothing else in the home. */
  readBlob(runId: string, hash: string): Uint8Array {
    const point = this.resumePoint(runId);
    const own = this.store.runs.listSnapshots(runId).some((s) => [s.payloadBlob, s.checkpointBlob, s.thumbnailBlob].includes(hash));
    if (!own && point.parent?.payloadBlob !== hash && point.run.referenceImage?.blob !== hash) throw new KilnError('not-found', `run ${runId.slice(0, 8)} has no blob ${hash.slice(0, 12)}…`);
    return this.store.blobs.read(hash);
  }

  hasBlob(hash: string): boolean {
    return this.store.blobs.has(hash);
  }

  putBlob(runId: string, hash: string, bytes: Uint8Array): void {
    this.store.runs.getRun(runId);
    const actual = sha256Hex(bytes);
    if (actual !== hash) throw new KilnError('invalid-request', `the uploaded bytes hash to ${actual}, not ${hash}; the upload was damaged — send it again`);
    this.store.blobs.put(bytes);
  }

  addSnapshot(runId: string, upload: SnapshotUpload): FarmReply {
    const run = this.store.runs.getRun(runId);
    if (run.status !== 'running') return { stored: false, stop: this.stopFor(run) };
    const stages = (run.config.stages as unknown[] | undefined)?.length ?? 1;
    if (upload.iteration > run.targetIterations || upload.stage >= stages) {
      throw new KilnError('invalid-request', `snapshot ${upload.iteration} (stage ${upload.stage}) is outside run ${runId.slice(0, 8)} (${run.targetIterations} iterations, ${stages} stages)`);
    }
    for (const hash of [upload.payloadBlob, upload.checkpointBlob, upload.thumbnailBlob]) {
      if (hash !== null && !this.store.blobs.has(hash)) throw new KilnError('conflict', `blob ${hash.slice(0, 12)}… has not been uploaded; send the blobs before the snapshot`);
    }
    const existing = this.store.runs.snapshotIfPresent(runId, upload.iteration);
    if (existing) {
      if (existing.payloadBlob !== upload.payloadBlob) {
        throw new KilnError('conflict', `run ${runId.slice(0, 8)} already has a different snapshot at iteration ${upload.iteration}; two workers disagree about a deterministic run`);
      }
      return { stored: false, stop: this.stopFor(run) };
    }
    const latest = this.store.runs.latestSnapshot(runId);
    if (latest && latest.iteration > upload.iteration) {
      throw new KilnError('conflict', `run ${runId.slice(0, 8)} is already at iteration ${latest.iteration}; snapshot ${upload.iteration} comes from a worker that fell behind`);
    }
    const { droppedCheckpoints } = this.store.runs.addSnapshot({ runId, ...upload }, { keepOnlyNewestCheckpoint: true });
    for (const hash of droppedCheckpoints) if (!this.store.runs.isBlobReferenced(hash)) this.store.blobs.delete(hash);
    this.hooks.onSnapshot(this.store.runs.getSnapshot(runId, upload.iteration));
    return { stored: true, stop: this.stopFor(run) };
  }

  /**
   * A worker took the run (`running`) or ended it. A run the studio has ended meanwhile (cancelled while the job
   * waited) stays as it is, and the reply tells the worker to stop; `completed` needs the run's last snapshot.
   */
  report(runId: string, report: StatusReport): FarmReply {
    const run = this.store.runs.getRun(runId);
    if (run.status !== 'running') return { stored: false, stop: this.stopFor(run) };
    if (report.status === 'running') {
      const taken = this.store.runs.assignWorker(runId, report.worker);
      if (run.worker !== report.worker) this.hooks.onStatus(taken);
      return { stored: true, stop: this.stopFor(taken) };
    }
    if (report.status === 'completed' && (this.store.runs.latestSnapshot(runId)?.iteration ?? -1) !== run.targetIterations) {
      throw new KilnError('conflict', `run ${runId.slice(0, 8)} cannot complete before its snapshot at iteration ${run.targetIterations} is uploaded`);
    }
    this.store.runs.assignWorker(runId, report.worker);
    const ended = this.store.runs.setStatus(runId, report.status, { error: report.error ?? null });
    this.hooks.onStatus(ended);
    return { stored: true, stop: null };
  }

  private stopFor(run: RunRecord): StopMode | null {
    if (run.status === 'running') return this.hooks.stopRequested(run.id);
    return run.status === 'paused' ? 'pause' : 'cancel';
  }
}
