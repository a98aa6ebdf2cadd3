import { KilnError } from '../../shared/errors';
import type { RunStatus } from '../../shared/runs';
import type { RunLedger } from '../pipeline/generation';
import type { BlobStore } from '../store/blob-store';
import type { NewSnapshot, RunRecord, SnapshotRecord } from '../store/run-repository';
import type { FarmReply } from './farm-wire';
import type { StudioClient } from './studio-client';
import type { UploadQueue } from './upload-queue';

export interface LedgerOptions {
  run: RunRecord;
  /** The studio's newest snapshot of the run and a branch's parent snapshot, their blobs already in `blobs`. */
  known: SnapshotRecord[];
  blobs: BlobStore;
  client: StudioClient;
  uploads: UploadQueue;
  worker: string;
  /** Whether an end the engine records is news for the studio (not when the worker hands the job back). */
  reportsEnd(status: RunStatus): boolean;
  onReply(reply: FarmReply): void;
}

/**
 * The run as a farm worker sees it: the engine records into this ledger exactly as into a home's RunRepository, and
 * every snapshot goes on to the owning studio (blobs first, then the row) through the upload queue. The local blob
 * files are a scratch copy, removed once the studio holds them.
 */
export class FarmRunLedger implements RunLedger {
  private run: RunRecord;
  private readonly snapshots: SnapshotRecord[];

  constructor(private readonly o: LedgerOptions) {
    this.run = o.run;
    this.snapshots = [...o.known];
  }

  getRun(id: string): RunRecord {
    this.assertOwn(id);
    return { ...this.run };
  }

  setStatus(id: string, status: RunStatus, details: { error?: string | null } = {}): RunRecord {
    this.assertOwn(id);
    this.run = { ...this.run, status, error: details.error ?? null };
    // A failure is reported by the worker once it knows no retry follows; `interrupted` is never the engine's to say.
    if (status === 'running' || (status !== 'failed' && status !== 'interrupted' && this.o.reportsEnd(status))) {
      const report = { status, worker: this.o.worker, error: details.error ?? null };
      this.o.uploads.push(async () => this.o.onReply(await this.o.client.report(report)));
    }
    return this.getRun(id);
  }

  latestSnapshot(runId: string): SnapshotRecord | undefined {
    return this.own(runId).at(-1);
  }

  getSnapshot(runId: string, iteration: number): SnapshotRecord {
    const found = this.snapshots.find((s) => s.runId === runId && s.iteration === iteration);
    if (!found) throw new KilnError('not-found', `the worker has no snapshot ${iteration} of run ${runId.slice(0, 8)}`);
    return found;
  }

  isBlobReferenced(hash: string): boolean {
    return this.snapshots.some((s) => s.payloadBlob === hash || s.checkpointBlob === hash || s.thumbnailBlob === hash);
  }

  /**
   * Records the snapshot and queues its upload. Only the newest snapshot's checkpoint is ever read back, so older
   * ones are not unlinked here: their files go once the studio holds a newer snapshot.
   */
  addSnapshot(s: NewSnapshot): { droppedCheckpoints: string[] } {
    this.assertOwn(s.runId);
    const record: SnapshotRecord = { ...s, createdAt: new Date().toISOString(), hasCheckpoint: s.checkpointBlob !== null };
    this.snapshots.push(record);
    this.run = { ...this.run, lastIteration: s.iteration };
    this.o.uploads.push(() => this.upload(s));
    return { droppedCheckpoints: [] };
  }

  private async upload(s: NewSnapshot): Promise<void> {
    const { blobs, client } = this.o;
    for (const hash of [s.payloadBlob, s.checkpointBlob, s.thumbnailBlob]) {
      if (hash !== null && !(await client.hasBlob(hash))) await client.putBlob(blobs.read(hash));
    }
    const { runId: _, ...row } = s;
    this.o.onReply(await client.addSnapshot(row));
    this.forgetUploadedBefore(s.iteration);
  }

  /** Deletes the scratch files of snapshots before `iteration` (the studio holds them) unless a later one shares them. */
  private forgetUploadedBefore(iteration: number): void {
    const keep = new Set(this.snapshots.filter((s) => s.iteration >= iteration).flatMap((s) => [s.payloadBlob, s.checkpointBlob, s.thumbnailBlob]));
    for (const old of this.snapshots.filter((s) => s.iteration < iteration || s.runId !== this.run.id)) {
      for (const hash of [old.payloadBlob, old.checkpointBlob, old.thumbnailBlob]) if (hash !== null && !keep.has(hash)) this.o.blobs.delete(hash);
    }
  }

  private own(runId: string): SnapshotRecord[] {
    return this.snapshots.filter((s) => s.runId === runId);
  }

  private assertOwn(runId: string): void {
    if (runId !== this.run.id) throw new Error(`the ledger of run ${this.run.id} was asked about run ${runId}`);
  }
}
