import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src/core/pipeline/checkpoint';
import { executeRun } from '../../../src/core/pipeline/generation';
import { pauseAfter } from '../../helpers/pause-after';
import { resolveRunConfig, ResolvedRunConfig } from '../../../src/core/pipeline/run-config';
import { createBranch, createRun } from '../../../src/core/pipeline/run-control';
import { GaussianStageSettings } from '../../../src/core/scene/gaussians/gaussian-stage-settings';
import { gaussianStateFromRecord } from '../../../src/core/scene/gaussians/gaussian-state';
import { databasePath } from '../../../src/core/store/kiln-home';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import type { RunProgress, RunRequest, Snapshot } from '../../../src/shared/runs';
import { makeTempHome } from '../../helpers/temp-home';

const REQUEST: RunRequest = {
  prompt: 'a red cube',
  seed: 3,
  batchSize: 1,
  initialGaussians: 300,
  snapshotEvery: 4,
  stages: [
    { representation: 'gaussians', iterations: 8, method: 'sds' },
    { representation: 'gaussians', iterations: 8, method: 'ism' },
  ],
};

/**
 * A paused-and-resumed run against an uninterrupted one: every iteration both snapshotted has the same stage,
 * payload and thumbnail (pauses add snapshots of their own), and both end at the same payload.
 */
function expectSameRun(resumed: Snapshot[], uninterrupted: Snapshot[]): void {
  const twins = new Map(uninterrupted.map((s) => [s.iteration, s]));
  let shared = 0;
  for (const s of resumed) {
    const twin = twins.get(s.iteration);
    if (!twin) continue;
    shared++;
    expect([s.stage, s.payloadBlob, s.thumbnailBlob], `snapshot ${s.iteration}`).toEqual([twin.stage, twin.payloadBlob, twin.thumbnailBlob]);
  }
  expect(shared).toBeGreaterThan(2);
  expect(resumed.at(-1)!.iteration).toBe(uninterrupted.at(-1)!.iteration);
}

/** A home written by Kiln before runs were stages (schema 3, config 1, checkpoint format 1): a run paused at 29 of 400. */
const FIXTURE = resolve(__dirname, '../../fixtures/home-before-stages');

describe('a run’s stages as requested', () => {
  const refused = (request: Record<string, unknown>) => {
    try {
      resolveRunConfig({ prompt: 'a red cube', ...request });
    } catch (err) {
      return { code: (err as { code?: string }).code, message: (err as Error).message };
    }
    throw new Error('the request was accepted');
  };

  it('resolves the preset’s single Gaussian stage when none are given', () => {
    const config = resolveRunConfig({ prompt: 'a red cube', method: 'tsm', preset: 'fast', iterations: 40, initialGaussians: 123 });
    expect(config.version).toBe(2);
    expect(config.stages).toHaveLength(1);
    const [stage] = config.stages;
    expect(stage).toMatchObject({ representation: 'gaussians', method: 'tsm', iterations: 40, batchSize: 1, snapshotEvery: 2 });
    expect(stage!.settings).toMatchObject({ initialGaussians: 123, shDegreeMax: 1, training: { maxGaussians: 10_000, densifyFrom: 5 } });
  });

  it('gives dtc its coarse-to-fine student by default: a coarse Gaussian stage, then DMTet with the grid rising', () => {
    const config = resolveRunConfig({ prompt: 'a mug', method: 'dtc', preset: 'quality' });
    expect(config.stages.map((s) => [s.representation, s.method, s.iterations])).toEqual([['gaussians', 'dtc', 2000], ['dmtet', 'dtc', 1000]]);
    expect((config.stages[0]!.settings.training as { maxGaussians: number }).maxGaussians).toBe(30_000);
    expect((config.stages[1]!.settings.gridProgression as { resolution: number }[]).map((g) => g.resolution)).toEqual([32, 64, 128]);
  });

  it('gives each stage its own method, length and settings, the run’s fields filling the rest', () => {
    const config = resolveRunConfig({ ...REQUEST, methodSettings: { cfgScale: 20 }, stages: [...REQUEST.stages!, { representation: 'gaussians', settings: { maxGaussians: 77 } }], iterations: 5, method: 'sds' });
    expect(config.stages.map((s) => [s.method, s.iterations])).toEqual([['sds', 8], ['ism', 8], ['sds', 5]]);
    expect(config.stages[0]!.methodSettings.cfgScale).toBe(20);
    expect(config.stages[1]!.methodSettings.cfgScale).not.toBe(20); // another method: its own defaults
    expect((config.stages[2]!.settings.training as { maxGaussians: number }).maxGaussians).toBe(77);
  });

  it('refuses an empty list, an out-of-order list, an unknown representation and unknown settings', () => {
    expect(refused({ stages: [] })).toEqual({ code: 'invalid-request', message: expect.stringMatching(/a run needs at least one stage/) });
    expect(refused({ stages: [{ representation: 'dmtet' }, { representation: 'gaussians' }] })).toEqual({
      code: 'invalid-request',
      message: expect.stringMatching(/stage 2 \(gaussians\) comes after dmtet; stages run coarse to fine: gaussians, then dmtet/),
    });
    expect(refused({ stages: [{ representation: 'nerf' }] })).toEqual({ code: 'invalid-request', message: expect.stringMatching(/representation must be one of gaussians, dmtet/) });
    expect(refused({ stages: [{ representation: 'gaussians', settings: { initialGausians: 5 } }] })).toEqual({ code: 'invalid-request', message: expect.stringMatching(/initialGausians/) });
    expect(refused({ stages: [{ representation: 'gaussians', settings: { training: { densifyFrom: -1 } } }] })).toEqual({ code: 'invalid-request', message: expect.stringMatching(/invalid 3DGS training settings: .*densifyFrom/) });
  });

  it('reads a version-1 config (stored before runs were stages) as its one Gaussian stage', () => {
    const db = new BetterSqlite3(join(FIXTURE, 'kiln.db'), { readonly: true });
    const row = db.prepare('SELECT config FROM runs').get() as { config: string };
    db.close();
    const v1 = JSON.parse(row.config) as Record<string, unknown>;
    expect(v1.version).toBe(1);
    const config = ResolvedRunConfig.parse(v1);
    expect(config.version).toBe(2);
    const [stage, ...more] = config.stages;
    expect([stage!.representation, more]).toEqual(['gaussians', []]);
    for (const key of ['method', 'methodSettings', 'iterations', 'batchSize', 'snapshotEvery'] as const) expect(stage![key], key).toEqual(v1[key]);
    const settings = GaussianStageSettings.parse(stage!.settings);
    expect(settings).toEqual({ initialGaussians: v1.initialGaussians, shDegreeMax: v1.shDegreeMax, training: v1.training });
  });
});

describe('multi-stage runs', () => {
  const temp = makeTempHome('kiln-stages-');
  let store: KilnStore;
  let projectId: string;
  const env = () => ({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 });
  let reference: Awaited<ReturnType<typeof executeRun>>;


  beforeAll(async () => {
    store = openKilnStore(temp.home);
    projectId = store.projects.create('Stages').id;
    reference = await executeRun(env(), createRun(store.runs, projectId, REQUEST).id);
  }, 120_000);
  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  it('runs its stages in order, each snapshot naming its stage, the next stage starting from the last payload', () => {
    expect(reference.status).toBe('completed');
    expect([reference.targetIterations, reference.lastIteration, reference.method]).toEqual([16, 16, 'sds']);
    const snapshots = store.runs.listSnapshots(reference.id);
    expect(snapshots.map((s) => [s.iteration, s.stage, s.payloadKind])).toEqual(
      [0, 4, 8, 12, 16].map((it) => [it, it <= 8 ? 0 : 1, 'splats']),
    );
    const checkpoint = decodeCheckpoint(store.blobs.read(snapshots.at(-1)!.checkpointBlob!));
    expect([checkpoint.stage, checkpoint.iteration]).toEqual([1, 16]);
  });

  it('reports progress with the stage’s representation, index and count', async () => {
    const progress: RunProgress[] = [];
    await executeRun(env(), createRun(store.runs, projectId, REQUEST).id, { onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    expect(progress.map((p) => [p.iteration, p.stageIndex])).toEqual(Array.from({ length: 16 }, (_, i) => [i + 1, i < 8 ? 0 : 1]));
    expect(progress.every((p) => p.stage === 'gaussians' && p.stageCount === 2 && p.targetIterations === 16)).toBe(true);
  }, 120_000);

  it('pauses inside a stage, at the boundary and inside the next, and resumes each time to the uninterrupted result', async () => {
    const run = createRun(store.runs, projectId, REQUEST);
    const stops = [5, 3, 3]; // pauses at iterations 5, 8 (stage 0's last) and 11
    const at: number[] = [];
    for (const after of stops) {
      const paused = await executeRun(env(), run.id, pauseAfter(after));
      expect(paused.status).toBe('paused');
      at.push(paused.lastIteration);
    }
    expect(at).toEqual([5, 8, 11]);
    expect((await executeRun(env(), run.id)).status).toBe('completed');
    expectSameRun(store.runs.listSnapshots(run.id), store.runs.listSnapshots(reference.id));
  }, 120_000);

  it('branches from a later stage’s snapshot into that stage, starting from the snapshot as stored', async () => {
    const branch = createBranch(store.runs, reference.id, 12, { seed: 9 });
    const config = ResolvedRunConfig.parse(branch.config);
    expect(config.stages.map((s) => [s.method, s.iterations])).toEqual([['ism', 8]]);
    expect([branch.targetIterations, branch.method]).toEqual([8, 'ism']);
    const done = await executeRun(env(), branch.id);
    expect(done.status).toBe('completed');
    const [first] = store.runs.listSnapshots(branch.id);
    expect([first!.iteration, first!.stage, first!.payloadBlob]).toEqual([0, 0, store.runs.getSnapshot(reference.id, 12).payloadBlob]);
  }, 120_000);
});

describe('a home from before runs were stages', () => {
  const temp = makeTempHome('kiln-old-home-');
  afterAll(() => temp.cleanup());

  it('migrates its snapshots and resumes its paused run bit for bit, as a fresh run of the same request', async () => {
    cpSync(FIXTURE, temp.home, { recursive: true });
    const before = new BetterSqlite3(databasePath(temp.home), { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(3);
    const oldRows = before.prepare('SELECT iteration, splats_blob FROM snapshots ORDER BY iteration').all() as { iteration: number; splats_blob: string }[];
    before.close();
    const store = openKilnStore(temp.home);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const [run] = store.runs.listRuns();
      expect(run!.status).toBe('paused');
      const migrated = store.runs.listSnapshots(run!.id);
      expect(migrated.map((s) => [s.iteration, s.payloadBlob, s.stage, s.payloadKind])).toEqual(oldRows.map((r) => [r.iteration, r.splats_blob, 0, 'splats']));
      // The format-1 checkpoint reads as stage 0 with the Gaussian model's state.
      const checkpoint = decodeCheckpoint(store.blobs.read(migrated.at(-1)!.checkpointBlob!));
      expect([checkpoint.stage, checkpoint.iteration, gaussianStateFromRecord(checkpoint.representation).params.count]).toEqual([0, 7, 60]);

      const env = { home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 };
      expect((await executeRun(env, run!.id)).status).toBe('completed');
      const fresh = createRun(store.runs, run!.projectId, (run!.config as { request: RunRequest }).request);
      expect((await executeRun(env, fresh.id)).status).toBe('completed');
      expectSameRun(store.runs.listSnapshots(run!.id), store.runs.listSnapshots(fresh.id));
    } finally {
      store.close();
    }
  }, 240_000);
});
