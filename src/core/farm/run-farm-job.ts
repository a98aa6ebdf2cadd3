import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import { METHOD_NAMES, type RunProgress, type RunStatus } from '../../shared/runs';
import { describeIssues } from '../../shared/validate';
import { executeRun, type ExecutionProviderChoice, type StopRequest } from '../pipeline/generation';
import { isDemoModel } from '../pipeline/open-run-prior';
import { ResolvedRunConfig } from '../pipeline/run-config';
import { BlobStore } from '../store/blob-store';
import type { SnapshotRecord } from '../store/run-repository';
import { FarmRunLedger } from './farm-run-ledger';
import type { FarmJobData } from './farm-queue';
import type { ResumePoint } from './farm-wire';
import { StudioClient } from './studio-client';
import { UploadQueue } from './upload-queue';

export interface WorkerSettings {
  /** The worker's own Kiln home: demo packs, and scratch copies of the blobs a job writes or resumes from. */
  home: string;
  token: string;
  /** host:pid, shown in the studio's run list. */
  name: string;
  threads: number;
  executionProvider: ExecutionProviderChoice;
  /** Where this worker keeps model packs (by folder name); without it a pack is looked for at the studio's path. */
  modelsDir?: string;
}

/** What can stop a job: the studio (pause, cancel), or the worker handing it back (shutting down, lost its lock). */
export interface JobControl {
  studioStop: 'cancel' | 'pause' | null;
  handBack: 'shutdown' | 'lock-lost' | null;
}

/** A job the worker must refuse for good: retrying cannot help (BullMQ's UnrecoverableError wraps it). */
export class BadJobError extends KilnError {}

/**
 * Runs one farm job with the engine code `kiln engine-run` uses: from the studio's last committed checkpoint (or
 * from scratch, or from a branch's parent snapshot), uploading every snapshot as it is made. Returns how the run
 * ended; throws an upload or engine failure (the job is retried) or a BadJobError.
 */
export async function runFarmJob(data: FarmJobData, settings: WorkerSettings, control: JobControl, onProgress: (p: RunProgress) => void): Promise<RunStatus | 'skipped'> {
  const models = checkJob(data, settings);
  const client = new StudioClient(data.studioUrl, settings.token, data.runId, data.jobKey);
  const point = await client.resumePoint();
  if (point.run.status !== 'running') return 'skipped'; // paused or cancelled in the studio while it waited
  const scratch = join(settings.home, 'farm-jobs', `${data.runId}-${process.pid}-${Date.now()}`);
  mkdirSync(scratch, { recursive: true });
  let uploadFailure: Error | undefined;
  try {
    const blobs = new BlobStore(scratch);
    const known = await fetchStartingBlobs(point, client, blobs);
    const uploads = new UploadQueue((err) => (uploadFailure = err));
    const ledger = new FarmRunLedger({
      run: { ...point.run, config: { ...data.config, ...models }, pid: null, worker: settings.name },
      known,
      blobs,
      client,
      uploads,
      worker: settings.name,
      reportsEnd: (status) => status === 'completed' || control.studioStop !== null,
      onReply: (reply) => (control.studioStop ??= reply.stop),
    });
    const stopRequested = (): StopRequest => control.studioStop ?? (control.handBack || uploadFailure ? 'pause' : null);
    let ended: RunStatus;
    try {
      ended = (await executeRun({ home: settings.home, runs: ledger, blobs, threads: settings.threads, executionProvider: settings.executionProvider }, data.runId, { onProgress, stopRequested, progressIntervalMs: 1000 })).status;
    } finally {
      await uploads.drain().catch(() => {}); // the engine's error (if any) is the story; an upload failure is below
    }
    if (uploadFailure) throw uploadFailure;
    return ended;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Refuses what this worker cannot run, before anything is fetched; returns the run's model and text model (its text
 * teacher's) as this worker finds them.
 */
function checkJob(data: FarmJobData, settings: WorkerSettings): { model: string; textModel: string | null } {
  const stages = Array.isArray(data.config.stages) ? (data.config.stages as Record<string, unknown>[]) : [];
  const unknown = stages.map((s) => s.method).find((m) => typeof m === 'string' && !(METHOD_NAMES as readonly string[]).includes(m));
  if (unknown !== undefined) {
    throw new BadJobError('invalid-request', `this worker does not know the method "${String(unknown)}" (it has ${METHOD_NAMES.join(', ')}); run the same Kiln version on the studio and its workers`);
  }
  const parsed = ResolvedRunConfig.safeParse(data.config);
  if (!parsed.success) throw new BadJobError('invalid-request', `this worker cannot read the run's configuration (${describeIssues(parsed.error)}); run the same Kiln version on the studio and its workers`);
  const { model, textModel } = parsed.data;
  return { model: localModel(model, settings), textModel: textModel === null ? null : localModel(textModel, settings) };
}

/** A model as this worker finds it: a demo prior (built here), or the pack of that folder name in its models folder. */
function localModel(model: string, settings: WorkerSettings): string {
  if (isDemoModel(model)) return model;
  const local = settings.modelsDir ? join(settings.modelsDir, basename(model)) : resolve(model);
  if (!existsSync(local)) {
    throw new BadJobError('model-pack', `worker ${settings.name} has no model pack "${basename(model)}" (looked for ${local}); copy the pack there${settings.modelsDir ? '' : ' or start the worker with --models DIR'}`);
  }
  return local;
}

/** The blobs a resume reads: the newest snapshot's checkpoint and payload, or a new branch's parent payload. */
async function fetchStartingBlobs(point: ResumePoint, client: StudioClient, blobs: BlobStore): Promise<SnapshotRecord[]> {
  const known = [point.parent, point.latest].filter((s): s is NonNullable<typeof s> => s !== null);
  const needed = point.latest?.checkpointBlob ? [point.latest.checkpointBlob, point.latest.payloadBlob] : point.parent ? [point.parent.payloadBlob] : [];
  if (point.run.referenceImage) needed.push(point.run.referenceImage.blob);
  for (const hash of needed) blobs.put(await client.getBlob(hash));
  return known;
}
