import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInriaPlyFile } from '../../../src/core/export/ply/ply-reader';
import { decodeCheckpoint } from '../../../src/core/pipeline/checkpoint';
import { exportRunSnapshot } from '../../../src/core/pipeline/export-run';
import { decodeCompactGaussians } from '../../../src/shared/gaussians/compact-gaussians';
import { executeRun, type RunHooks } from '../../../src/core/pipeline/generation';
import { isSnapshotIteration } from '../../../src/core/pipeline/run-config';
import { createBranch, createRun } from '../../../src/core/pipeline/run-control';
import { gaussianStateFromRecord } from '../../../src/core/scene/gaussians/gaussian-state';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import type { RunRequest } from '../../../src/shared/runs';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-pipeline-');
let store: KilnStore;
let projectId: string;

beforeAll(() => {
  store = openKilnStore(temp.home);
  projectId = store.projects.create('Pipeline').id;
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

const REQUEST: RunRequest = {
  prompt: 'a red cube',
  method: 'sds',
  seed: 3,
  iterations: 24,
  batchSize: 1,
  initialGaussians: 400,
  snapshotEvery: 8,
};

async function generate(request: RunRequest, hooks: RunHooks = {}) {
  const run = createRun(store.runs, projectId, request);
  return executeRun({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 }, run.id, hooks);
}

const resume = (runId: string, hooks: RunHooks = {}) =>
  executeRun({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 }, runId, hooks);

function finalState(runId: string) {
  const last = store.runs.latestSnapshot(runId)!;
  return { last, checkpoint: decodeCheckpoint(store.blobs.read(last.checkpointBlob!)) };
}

describe('generation runs', () => {
  let reference: Awaited<ReturnType<typeof generate>>;

  beforeAll(async () => {
    reference = await generate(REQUEST);
  }, 120_000);

  it('completes with snapshots on the schedule, only the newest keeping a checkpoint', () => {
    expect(reference.status).toBe('completed');
    expect(reference.lastIteration).toBe(24);
    const snapshots = store.runs.listSnapshots(reference.id);
    const expected = Array.from({ length: 25 }, (_, i) => i).filter((i) => isSnapshotIteration(i, 24, 8));
    expect(snapshots.map((s) => s.iteration)).toEqual(expected);
    expect(expected).toEqual([0, 2, 8, 16, 24]);
    expect(snapshots.map((s) => s.hasCheckpoint)).toEqual([false, false, false, false, true]);
    for (const s of snapshots) {
      expect(store.blobs.has(s.payloadBlob)).toBe(true);
      expect(store.blobs.read(s.thumbnailBlob!).subarray(1, 4).toString()).toBe('PNG');
    }
    // Dropped checkpoints are deleted from disk, not just unlinked.
    expect([...store.runs.referencedBlobs()].every((h) => existsSync(store.blobs.path(h)))).toBe(true);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const again = await generate(REQUEST);
    expect(finalState(again.id).last.payloadBlob).toBe(finalState(reference.id).last.payloadBlob);
    const other = await generate({ ...REQUEST, seed: 4 });
    expect(finalState(other.id).last.payloadBlob).not.toBe(finalState(reference.id).last.payloadBlob);
  }, 120_000);

  it('pauses after the current iteration with a snapshot, and resuming reproduces the uninterrupted run exactly', async () => {
    let asked = 0;
    const paused = await generate(REQUEST, { stopRequested: () => (++asked >= 11 ? 'pause' : null) });
    expect(paused.status).toBe('paused');
    expect(paused.lastIteration).toBe(11);
    const resumed = await resume(paused.id);
    expect(resumed.status).toBe('completed');
    const iterations = store.runs.listSnapshots(paused.id).map((s) => s.iteration);
    expect(iterations).toEqual([0, 2, 8, 11, 16, 24]);
    const a = gaussianStateFromRecord(finalState(reference.id).checkpoint.representation);
    const b = gaussianStateFromRecord(finalState(paused.id).checkpoint.representation);
    expect(b.params.count).toBe(a.params.count);
    for (const group of ['means', 'logScales', 'quats', 'opacityLogits', 'shDc', 'shRest'] as const) {
      expect(Buffer.from(b.params[group].buffer).equals(Buffer.from(a.params[group].buffer))).toBe(true);
      expect(Buffer.from(b.v[group].buffer).equals(Buffer.from(a.v[group].buffer))).toBe(true);
    }
    expect(finalState(paused.id).last.payloadBlob).toBe(finalState(reference.id).last.payloadBlob);
  }, 120_000);

  it('reports progress with rate, ETA, Gaussians and the method terms', async () => {
    const reports: { iteration: number; eta: number | null; terms: Record<string, number> }[] = [];
    await generate({ ...REQUEST, iterations: 6 }, { progressIntervalMs: 0, onProgress: (p) => reports.push({ iteration: p.iteration, eta: p.etaSeconds, terms: p.terms }) });
    expect(reports.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reports.at(-1)!.eta).toBe(0);
    expect(Object.keys(reports[0]!.terms).length).toBeGreaterThan(0);
  }, 60_000);

  it('branches from a snapshot exactly as stored, with another method, recording its parent', async () => {
    const branch = createBranch(store.runs, reference.id, 8, { method: 'ism', iterations: 6 });
    expect(branch.parentRunId).toBe(reference.id);
    expect(branch.parentIteration).toBe(8);
    expect(branch.method).toBe('ism');
    expect(branch.prompt).toBe('a red cube');
    const done = await resume(branch.id);
    expect(done.status).toBe('completed');
    const first = store.runs.getSnapshot(branch.id, 0);
    expect(first.payloadBlob).toBe(store.runs.getSnapshot(reference.id, 8).payloadBlob);
    expect(first.gaussians).toBe(store.runs.getSnapshot(reference.id, 8).gaussians);
  }, 60_000);
});

describe('runs that start sparse or lose every Gaussian', () => {
  it('keeps a sparse start through its first densifications (its Gaussians start under the world-size prune)', async () => {
    // 200 Gaussians spread over the ball are each wider than a tenth of the scene; they used to be pruned at the first
    // densification unless a gradient had split them first (VDM's first step has none). Nothing splits here.
    const run = await generate({ ...REQUEST, iterations: 4, initialGaussians: 200, snapshotEvery: 1, training: { densifyGradThreshold: 1e9 } });
    expect(run.status).toBe('completed');
    expect(store.runs.listSnapshots(run.id).map((s) => s.gaussians)).toEqual([200, 200, 200, 200, 200]);
  }, 60_000);

  it('fails, naming the iteration and the way out, when pruning removes every Gaussian; earlier snapshots stay', async () => {
    const run = createRun(store.runs, projectId, { ...REQUEST, iterations: 8, training: { pruneMinOpacity: 0.5 } });
    const env = { home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 };
    await expect(executeRun(env, run.id)).rejects.toMatchObject({
      code: 'optimisation',
      message: expect.stringMatching(/every Gaussian was pruned at iteration 1 .*pruneMinOpacity 0\.5.*Branch from an earlier snapshot/),
    });
    const failed = store.runs.getRun(run.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/every Gaussian was pruned at iteration 1/);
    expect(store.runs.listSnapshots(run.id).map((s) => [s.iteration, s.gaussians])).toEqual([[0, 400]]);
  }, 60_000);
});

describe('exporting a run', () => {
  it('writes a snapshot as the timeline shows it, records the asset, and refuses a run without that snapshot', async () => {
    const run = await generate({ ...REQUEST, iterations: 4, snapshotEvery: 2 });
    const path = join(temp.home, 'cube.ply');
    const result = await exportRunSnapshot(store, { runId: run.id, iteration: 2, path });
    expect(result).toMatchObject({ format: 'ply', iteration: 2, path });
    const shown = decodeCompactGaussians(store.blobs.read(store.runs.getSnapshot(run.id, 2).payloadBlob));
    const read = readInriaPlyFile(path);
    expect(read.count).toBe(shown.count);
    expect(Array.from(read.opacityLogits)).toEqual(Array.from(shown.opacityLogits));
    expect(store.runs.listAssets(run.id)).toMatchObject([{ format: 'ply', iteration: 2, path, bytes: statSync(path).size }]);
    await expect(exportRunSnapshot(store, { runId: run.id, iteration: 3, path })).rejects.toThrow(/no snapshot at iteration 3/);
    await expect(exportRunSnapshot(store, { runId: run.id, path: join(temp.home, 'cube.obj') })).rejects.toThrow(/cannot tell the export format/);
  }, 60_000);
});

describe('bad generation requests are refused before anything is written', () => {
  const refused = (request: Record<string, unknown>) => {
    const before = store.runs.listRuns().length;
    let message = '';
    try {
      createRun(store.runs, projectId, request);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(store.runs.listRuns().length).toBe(before);
    return message;
  };

  it('names an unknown method, setting or out-of-range value', () => {
    expect(refused({ prompt: 'a mug', method: 'dreamfusion' })).toMatch(/method must be one of sds, ism, tsm, sdi, ge3d, vdm/);
    expect(refused({ prompt: 'a mug', methodSettings: { cfgScal: 7 } })).toMatch(/invalid vdm settings: .*cfgScal/);
    expect(refused({ prompt: 'a mug', methodSettings: { timesteps: { tRange: [0.02, 1.5] } } })).toMatch(/invalid vdm settings: timesteps.tRange.1/);
    expect(refused({ prompt: 'a mug', iterations: 0 })).toMatch(/iterations/);
    expect(refused({ prompt: 'a mug', training: { densifyInterval: 0 } })).toMatch(/3DGS training settings: densifyInterval/);
    expect(refused({ prompt: 'a mug', colour: 'red' })).toMatch(/colour/);
  });

  it('lists the prompts the demo prior knows for a word it does not', () => {
    const message = refused({ prompt: 'a purple dragon' });
    expect(message).toMatch(/does not know "dragon"/);
    expect(message).toMatch(/"a snowman"/);
    expect(refused({ prompt: 'a mug', negativePrompt: 'blurry' })).toMatch(/"blurry" in the negative prompt/);
  });

  it('names an unreadable model pack folder', () => {
    expect(refused({ prompt: 'a mug', model: '/nonexistent/sd15-onnx' })).toMatch(/sd15-onnx.*not a folder/);
  });

  it('refuses a branch from an iteration that has no snapshot, saying which exist', async () => {
    const run = createRun(store.runs, projectId, { ...REQUEST, iterations: 2, snapshotEvery: 1 });
    await resume(run.id);
    expect(() => createBranch(store.runs, run.id, 7, {})).toThrow(/no snapshot at iteration 7; it has iterations 0, 1, 2/);
  }, 60_000);
});
