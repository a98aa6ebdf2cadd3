import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { jobKeyFor, loadOrCreateJobSecret } from '../../core/farm/farm-auth';
import { FARM_QUEUE, redisOptions } from '../../core/farm/farm-queue';
import { StudioClient } from '../../core/farm/studio-client';
import { BlobStore } from '../../core/store/blob-store';
import { median } from '../../core/stats';
import { KilnError } from '../../shared/errors';
import type { Run } from '../../shared/runs';
import { KILN_CLI, startBackground, startLocalRedis, type BackgroundProcess } from '../background-process';
import { RemoteStudio } from '../remote-studio';
import type { Benchmark } from './benchmark';
import { machineLoad } from './store';

const TOKEN = 'kiln-bench-farm-token-0123456789';
const POLL_MS = 100;

interface FarmRow {
  workers: number;
  runs: number;
  /** First enqueue to the last run completed. */
  wallSeconds: number;
  runsPerHour: number;
  /** Median time inside the engine's loop per run (the run's own elapsedMs). */
  engineSeconds: number;
  /** Median time a worker held a job (BullMQ processedOn → finishedOn). */
  jobSeconds: number;
  /** jobSeconds − engineSeconds: opening the prior, fetching the resume point, uploads, status reports. */
  overheadSeconds: number;
  /** Median enqueue → taken, over the jobs an idle worker took at once (the first `workers` jobs). */
  pickupMs: number;
}

/** The studio's upload path alone: checkpoint-sized blobs PUT by workers, verified and fsynced. */
interface UploadRate {
  blobBytes: number;
  blobs: number;
  /** MB/s with one uploader, and with four at once. */
  serialMBps: number;
  parallelMBps: number;
}

const UPLOAD_BLOB_BYTES = 16e6;
const UPLOAD_BLOBS = 8;

async function measureUploads(studioUrl: string, home: string, runId: string): Promise<UploadRate> {
  const client = new StudioClient(studioUrl, TOKEN, runId, jobKeyFor(loadOrCreateJobSecret(home), runId));
  const rate = async (uploaders: number) => {
    const blobs = Array.from({ length: UPLOAD_BLOBS }, () => randomBytes(UPLOAD_BLOB_BYTES));
    const t0 = performance.now();
    for (let i = 0; i < blobs.length; i += uploaders) await Promise.all(blobs.slice(i, i + uploaders).map((b) => client.putBlob(b)));
    return (blobs.length * UPLOAD_BLOB_BYTES) / 1e6 / ((performance.now() - t0) / 1000);
  };
  return { blobBytes: UPLOAD_BLOB_BYTES, blobs: UPLOAD_BLOBS, serialMBps: await rate(1), parallelMBps: await rate(4) };
}

interface UploadShape {
  snapshotsPerRun: number;
  gaussians: number;
  payloadBytes: number;
  thumbnailBytes: number;
  checkpointBytes: number;
}

const list = (raw: unknown, fallback: number[]) => (raw === undefined ? fallback : String(raw).split(',').map(Number));

/** One farm: a Redis, `kiln serve --farm` and N `kiln worker` processes, all on this machine, torn down after. */
async function measure(workers: number, runs: number, iterations: number, log: (line: string) => void): Promise<{ row: FarmRow; shape: UploadShape; uploads: UploadRate }> {
  const root = mkdtempSync(join(tmpdir(), 'kiln-bench-farm-'));
  const started: BackgroundProcess[] = [];
  try {
    const redis = await startLocalRedis(root);
    started.push(redis);
    const serve = await startBackground(process.execPath, [KILN_CLI, 'serve', '--port', '0', '--home', join(root, 'studio'), '--farm', redis.url, '--token', TOKEN], /at (http:\/\/\S+)/);
    started.push(serve);
    const workerArgs = ['worker', '--queue', redis.url, '--home', join(root, 'worker'), '--threads', '1', '--token', TOKEN];
    // The first worker builds the demo prior; the others find it built.
    started.push(await startBackground(process.execPath, [KILN_CLI, ...workerArgs], /taking runs/));
    started.push(...(await Promise.all(Array.from({ length: workers - 1 }, () => startBackground(process.execPath, [KILN_CLI, ...workerArgs], /taking runs/)))));
    const studio = new RemoteStudio(serve.match[1]!, undefined);
    const project = await studio.project('bench');
    const t0 = performance.now();
    const ids: string[] = [];
    for (let seed = 0; seed < runs; seed++) ids.push((await studio.startRun(project.id, { prompt: 'a snowman', preset: 'fast', iterations, seed })).id);
    for (;;) {
      const all = await studio.call<Run[]>('runs.list', { projectId: project.id });
      const failed = all.find((r) => r.status === 'failed');
      if (failed) throw new KilnError('internal', `bench run ${failed.id} failed: ${failed.error}`);
      if (all.every((r) => r.status === 'completed')) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const queue = new Queue(FARM_QUEUE, { connection: redisOptions(redis.url) });
    const jobs = (await queue.getCompleted(0, runs * 2)).sort((a, b) => a.timestamp - b.timestamp);
    await queue.close();
    const engine = await Promise.all(ids.map(async (runId) => (await studio.call<{ metrics: Record<string, number> }[]>('runs.timeline', { runId })).at(-1)!.metrics.elapsedMs! / 1000));
    const held = jobs.map((j) => (j.finishedOn! - j.processedOn!) / 1000);
    const row: FarmRow = {
      workers,
      runs,
      wallSeconds,
      runsPerHour: (runs / wallSeconds) * 3600,
      engineSeconds: median(engine),
      jobSeconds: median(held),
      overheadSeconds: median(held) - median(engine),
      pickupMs: median(jobs.slice(0, workers).map((j) => j.processedOn! - j.timestamp)),
    };
    log(`${String(workers).padStart(7)}  ${String(runs).padStart(4)}  ${row.wallSeconds.toFixed(1).padStart(6)}  ${row.runsPerHour.toFixed(0).padStart(9)}  ${row.engineSeconds.toFixed(2).padStart(9)}  ${row.jobSeconds.toFixed(2).padStart(8)}  ${row.overheadSeconds.toFixed(2).padStart(10)}  ${row.pickupMs.toFixed(0).padStart(9)}`);
    // The workers are idle now: the upload path alone, into the first run (its job key; the blobs stay orphans).
    const uploads = await measureUploads(studio.url, join(root, 'studio'), ids[0]!);
    return { row, shape: uploadShape(join(root, 'studio'), ids[0]!), uploads };
  } finally {
    for (const p of started.reverse()) await p.stop(p === started.at(-1) ? 'SIGKILL' : 'SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
}

/** What one run sent the studio: snapshots, and the bytes of one snapshot's blobs. */
function uploadShape(home: string, runId: string): UploadShape {
  const db = new Database(join(home, 'kiln.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT gaussians, payload_blob, thumbnail_blob, checkpoint_blob FROM snapshots WHERE run_id = ? ORDER BY iteration').all(runId) as { gaussians: number; payload_blob: string; thumbnail_blob: string; checkpoint_blob: string | null }[];
    const blobs = new BlobStore(join(home, 'blobs'));
    const size = (hash: string) => statSync(blobs.path(hash)).size;
    const last = rows.at(-1)!;
    return { snapshotsPerRun: rows.length, gaussians: last.gaussians, payloadBytes: size(last.payload_blob), thumbnailBytes: size(last.thumbnail_blob), checkpointBytes: size(last.checkpoint_blob!) };
  } finally {
    db.close();
  }
}

export const farmBenchmark: Benchmark = {
  name: 'farm',
  summary: 'A farm on this machine (Redis, kiln serve --farm, 1/2/4 kiln workers, tiny CPU runs): runs/hour and the scheduling overhead per job',
  options: { workers: { type: 'string' }, runs: { type: 'string' }, iters: { type: 'string' } },
  async run({ values, json }, io) {
    const workerCounts = list(values.workers, [1, 2, 4]);
    const runs = Number(values.runs ?? 8);
    const iterations = Number(values.iters ?? 6);
    if (workerCounts.some((w) => !Number.isInteger(w) || w < 1) || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(iterations) || iterations < 1) {
      throw new KilnError('invalid-request', '--workers takes whole numbers (e.g. 1,2,4), --runs and --iters a whole number of at least 1');
    }
    const log = (line: string) => (json ? undefined : io.out(line + '\n'));
    log(`kiln bench farm — ${runs} runs of "a snowman", preset fast, ${iterations} iterations, --threads 1 per worker, all on this machine\n`);
    log('workers  runs  wall s  runs/hour  engine s  job s   overhead s  pickup ms');
    const results = [];
    for (const w of workerCounts) results.push(await measure(w, runs, iterations, log));
    const machine = machineLoad();
    const shape = results[0]!.shape;
    const uploads = results.map((r) => r.uploads);
    if (json) {
      io.out(JSON.stringify({ benchmark: 'farm', runs, iterations, machine, rows: results.map((r) => r.row), uploadShape: shape, uploads }, null, 2) + '\n');
      return 0;
    }
    io.out(
      `\nengine s: the run's own time in the optimisation loop (median); job s: a worker holding the job (median);\n` +
        `overhead s: the difference (opening the prior, fetching the resume point, uploads, status); pickup: enqueue → taken by an idle worker.\n` +
        `Upload path alone (${UPLOAD_BLOBS} blobs of ${UPLOAD_BLOB_BYTES / 1e6} MB, PUT + SHA-256 check + fsync): ${uploads.map((u) => `${u.serialMBps.toFixed(0)} MB/s serial, ${u.parallelMBps.toFixed(0)} MB/s with 4 uploaders`).join('; ')}.\n` +
        `One run sent ${shape.snapshotsPerRun} snapshots; its last (${shape.gaussians} Gaussians): payload ${shape.payloadBytes} B, thumbnail ${shape.thumbnailBytes} B, checkpoint ${shape.checkpointBytes} B.\n` +
        `${machine.cores} cores, 1-minute load average ${machine.loadAverage1m.toFixed(1)} at the end (timings stretch on a busy machine).\n`,
    );
    return 0;
  },
};
