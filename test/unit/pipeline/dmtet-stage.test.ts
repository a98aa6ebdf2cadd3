import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRunSnapshot } from '../../../src/core/pipeline/export-run';
import { readInriaPly } from '../../../src/core/export/ply/ply-reader';
import { decodeCheckpoint } from '../../../src/core/pipeline/checkpoint';
import { executeRun } from '../../../src/core/pipeline/generation';
import { pauseAfter } from '../../helpers/pause-after';
import { presetStageOf } from '../../../src/core/pipeline/presets';
import { resolveRunConfig, ResolvedRunConfig } from '../../../src/core/pipeline/run-config';
import { createBranch, createRun } from '../../../src/core/pipeline/run-control';
import { decodeMeshSnapshot, type MeshSnapshot } from '../../../src/shared/mesh/mesh-snapshot-payload';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import type { RunRequest, Snapshot } from '../../../src/shared/runs';
import { makeTempHome } from '../../helpers/temp-home';

/** Splats on the demo prior, then a DMTet mesh on the coarsest grid: tiny budgets, the real stages. */
const REQUEST: RunRequest = {
  prompt: 'a red cube',
  seed: 3,
  batchSize: 1,
  initialGaussians: 300,
  snapshotEvery: 4,
  stages: [
    { representation: 'gaussians', iterations: 24, method: 'sds' },
    // The preset's start: the visual hull of the splats' silhouettes.
    { representation: 'dmtet', iterations: 6, method: 'sds', settings: { gridResolution: 32 } },
  ],
};
const BOUNDARY = 24;

function refusal(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('it was accepted');
}

describe('a DMTet stage as requested', () => {
  it('resolves its settings from the preset and the request, the stage’s length kept for its schedules', () => {
    const config = resolveRunConfig({ prompt: 'a mug', preset: 'balanced', stages: [{ representation: 'gaussians' }, { representation: 'dmtet', settings: { laplacianWeight: 0.3 } }] });
    const [, mesh] = config.stages;
    const preset = presetStageOf('vdm', 'balanced', 'dmtet');
    expect([mesh!.representation, mesh!.iterations, mesh!.batchSize]).toEqual(['dmtet', preset.iterations, preset.batchSize]);
    expect(mesh!.settings).toMatchObject({ ...preset.settings, laplacianWeight: 0.3, stageIterations: preset.iterations, gridResolution: 64 });
    expect(mesh!.settings).toMatchObject({ initSurface: 'visual-hull', cameras: 'prior-poses' });
    // The preset guides the mesh with low-t SDS (docs/bench/readme-glb.md), the Gaussians with the run's method.
    expect(config.stages.map((s) => s.method)).toEqual(['vdm', 'sds']);
    expect(mesh!.methodSettings).toMatchObject({ cfgScale: 1, weight: 'sigma-ratio', timesteps: { tRange: [0.02, 0.3] } });
    // A stage's own method wins over the preset's, with that method's defaults.
    const own = resolveRunConfig({ prompt: 'a mug', stages: [{ representation: 'gaussians' }, { representation: 'dmtet', method: 'ism' }] });
    expect(own.stages[1]!.method).toBe('ism');
  });

  it('refuses a tet resolution out of range, unknown settings, and a run that starts with the mesh', () => {
    const stages = (settings: Record<string, unknown>) => [{ representation: 'gaussians' }, { representation: 'dmtet', settings }];
    expect(refusal(() => resolveRunConfig({ prompt: 'a mug', stages: stages({ gridResolution: 48 }) }))).toEqual({
      code: 'invalid-request',
      message: expect.stringMatching(/invalid DMTet stage settings: .*gridResolution.*must be one of 32, 64, 128/),
    });
    expect(refusal(() => resolveRunConfig({ prompt: 'a mug', stages: stages({ gridProgression: [{ from: 0, resolution: 256 }] }) })).message).toMatch(/must be one of 32, 64, 128/);
    expect(refusal(() => resolveRunConfig({ prompt: 'a mug', stages: stages({ gridResolutoin: 64 }) })).message).toMatch(/gridResolutoin/);
    const store = openKilnStore(temp.home);
    try {
      const project = store.projects.create('Refusals').id;
      expect(refusal(() => createRun(store.runs, project, { prompt: 'a mug', stages: [{ representation: 'dmtet' }] }))).toEqual({
        code: 'invalid-request',
        message: expect.stringMatching(/a run cannot start with a dmtet stage/),
      });
    } finally {
      store.close();
    }
  });
});

const temp = makeTempHome('kiln-dmtet-stage-');
afterAll(() => temp.cleanup());

describe('a run of Gaussians then a DMTet mesh', () => {
  let store: KilnStore;
  let projectId: string;
  let reference: Awaited<ReturnType<typeof executeRun>>;
  const env = () => ({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 });

  beforeAll(async () => {
    store = openKilnStore(temp.home);
    projectId = store.projects.create('DMTet').id;
    reference = await executeRun(env(), createRun(store.runs, projectId, REQUEST).id);
  }, 240_000);
  afterAll(() => store.close());

  it('completes with mesh snapshots in stage 1, the mesh stage starting from the Gaussians’ surface', () => {
    expect([reference.status, reference.error]).toEqual(['completed', null]);
    const snapshots = store.runs.listSnapshots(reference.id);
    expect(snapshots.map((s) => [s.iteration, s.stage, s.payloadKind])).toEqual(
      [0, 1, 2, 4, 8, 12, 16, 20, 24, 28, 30].map((it) => [it, it <= BOUNDARY ? 0 : 1, it <= BOUNDARY ? 'splats' : 'mesh']),
    );
    const mesh = decodeMeshSnapshot(store.blobs.read(snapshots.at(-1)!.payloadBlob));
    expect(mesh.indices.length / 3).toBe(snapshots.at(-1)!.gaussians); // a mesh snapshot counts its faces
    expect(mesh.indices.length).toBeGreaterThan(300);
    // The cube sits inside the generation ball; its mesh does too.
    for (const p of mesh.positions) expect(Math.abs(p)).toBeLessThan(1);
    const checkpoint = decodeCheckpoint(store.blobs.read(snapshots.at(-1)!.checkpointBlob!));
    expect([checkpoint.stage, checkpoint.iteration]).toEqual([1, 30]);
  });

  it('exports GLB from the final mesh (valid glTF), and PLY from the last Gaussians', async () => {
    const glb = await exportRunSnapshot(store, { runId: reference.id, path: join(temp.home, 'cube.glb') });
    expect([glb.format, glb.iteration]).toEqual(['glb', 30]);
    const bytes = readFileSync(glb.path);
    const validator = createRequire(import.meta.url)('gltf-validator') as { validateBytes(data: Uint8Array): Promise<{ issues: { numErrors: number; messages: unknown[] } }> };
    const report = await validator.validateBytes(new Uint8Array(bytes));
    expect(report.issues.numErrors, JSON.stringify(report.issues.messages)).toBe(0);
    const doc = await new NodeIO().readBinary(new Uint8Array(bytes));
    const [material] = doc.getRoot().listMaterials();
    expect(material!.getBaseColorTexture()).not.toBeNull();
    const ply = await exportRunSnapshot(store, { runId: reference.id, path: join(temp.home, 'cube.ply') });
    expect(ply.iteration).toBe(BOUNDARY);
    const stored = store.runs.getSnapshot(reference.id, BOUNDARY);
    expect(readInriaPly(readFileSync(ply.path)).count).toBe(stored.gaussians);
    await expect(exportRunSnapshot(store, { runId: reference.id, iteration: 30, path: join(temp.home, 'mesh.ply') })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/holds a mesh.*export it as GLB/) });
  }, 120_000);

  it('pauses at the boundary and inside the mesh stage, and resumes to the bit-identical final mesh', async () => {
    const run = createRun(store.runs, projectId, REQUEST);
    const at: number[] = [];
    for (const after of [BOUNDARY, 3]) {
      const paused = await executeRun(env(), run.id, pauseAfter(after));
      expect(paused.status).toBe('paused');
      at.push(paused.lastIteration);
    }
    expect(at).toEqual([BOUNDARY, BOUNDARY + 3]);
    expect((await executeRun(env(), run.id)).status).toBe('completed');
    expectSameEnd(store.runs.listSnapshots(run.id), store.runs.listSnapshots(reference.id));
  }, 240_000);

  it('resumes bit for bit under random lights too: the thumbnails of extra snapshots draw none', async () => {
    const [gaussians, mesh] = REQUEST.stages!;
    const request = { ...REQUEST, stages: [gaussians!, { ...mesh!, settings: { ...mesh!.settings, shading: 'random-point-light' } }] };
    const uninterrupted = await executeRun(env(), createRun(store.runs, projectId, request).id);
    const run = createRun(store.runs, projectId, request);
    expect((await executeRun(env(), run.id, pauseAfter(BOUNDARY + 1))).lastIteration).toBe(BOUNDARY + 1);
    expect((await executeRun(env(), run.id, pauseAfter(2))).lastIteration).toBe(BOUNDARY + 3);
    expect((await executeRun(env(), run.id)).status).toBe('completed');
    expectSameEnd(store.runs.listSnapshots(run.id), store.runs.listSnapshots(uninterrupted.id));
  }, 240_000);

  it('branches from a stage-0 snapshot into a mesh stage with another method', async () => {
    const branch = createBranch(store.runs, reference.id, 16, { stages: [{ representation: 'dmtet', method: 'ism', iterations: 3, settings: { gridResolution: 32, initSurface: 'density', initThreshold: 0.1 } }] });
    expect(ResolvedRunConfig.parse(branch.config).stages.map((s) => [s.representation, s.method])).toEqual([['dmtet', 'ism']]);
    const done = await executeRun(env(), branch.id);
    expect([done.status, done.error]).toEqual(['completed', null]);
    const snapshots = store.runs.listSnapshots(branch.id);
    expect(snapshots.every((s) => s.payloadKind === 'mesh' && s.stage === 0)).toBe(true);
    expect(snapshots.at(-1)!.payloadBlob).not.toBe(store.runs.latestSnapshot(reference.id)!.payloadBlob);
  }, 240_000);

  it('branches from a mesh snapshot into the mesh stage alone, starting from that mesh and its albedo', async () => {
    const parent = decodeMeshSnapshot(store.blobs.read(store.runs.getSnapshot(reference.id, 28).payloadBlob));
    const branch = createBranch(store.runs, reference.id, 28, { seed: 9 });
    expect(ResolvedRunConfig.parse(branch.config).stages.map((s) => [s.representation, s.iterations])).toEqual([['dmtet', 6]]);
    const done = await executeRun(env(), branch.id);
    expect([done.status, done.error]).toEqual(['completed', null]);
    const snapshots = store.runs.listSnapshots(branch.id);
    expect(snapshots.map((s) => [s.iteration, s.stage, s.payloadKind])[0]).toEqual([0, 0, 'mesh']);
    expect(snapshots.every((s) => s.payloadKind === 'mesh' && s.stage === 0)).toBe(true);
    // Its start is the parent's surface re-marched on the stage's first grid (32³, cells of 1/16 m), its albedo carried.
    const start = decodeMeshSnapshot(store.blobs.read(snapshots[0]!.payloadBlob));
    const { meanDistance, meanAlbedoError } = nearestVertexAgreement(start, parent);
    expect(meanDistance).toBeLessThan(0.5 / 16);
    expect(meanAlbedoError).toBeLessThan(12);
  }, 240_000);

  it('fails with a clear optimisation error when the Gaussians leave no surface, their snapshots kept', async () => {
    const starts = [
      [{ initSurface: 'density', initThreshold: 1e6 }, /no surface at density 1000000.*run that stage longer.*lower initThreshold/],
      [{ initSurface: 'visual-hull', hullAlphaThreshold: 1 }, /no silhouette at alpha 1 \(hullAlphaThreshold\).*run that stage longer.*lower hullAlphaThreshold/],
    ] as const;
    for (const [settings, message] of starts) {
      const run = createRun(store.runs, projectId, { ...REQUEST, stages: [{ representation: 'gaussians', iterations: 2 }, { representation: 'dmtet', iterations: 2, settings: { gridResolution: 32, ...settings } }] });
      await expect(executeRun(env(), run.id)).rejects.toMatchObject({ code: 'optimisation', message: expect.stringMatching(message) });
      const failed = store.runs.getRun(run.id);
      expect(failed.status).toBe('failed');
      expect(store.runs.listSnapshots(run.id).map((s) => [s.iteration, s.payloadKind])).toEqual([[0, 'splats'], [2, 'splats']]);
    }
  }, 240_000);
});

/** For each vertex of `a`, the nearest vertex of `b`: the mean distance to it and the mean |Δ albedo| (bytes, per channel). */
function nearestVertexAgreement(a: MeshSnapshot, b: MeshSnapshot): { meanDistance: number; meanAlbedoError: number } {
  let distance = 0, albedo = 0;
  const vertices = a.positions.length / 3;
  for (let v = 0; v < vertices; v++) {
    let best = -1, bestD = Infinity;
    for (let w = 0; w < b.positions.length / 3; w++) {
      const d = Math.hypot(a.positions[3 * v]! - b.positions[3 * w]!, a.positions[3 * v + 1]! - b.positions[3 * w + 1]!, a.positions[3 * v + 2]! - b.positions[3 * w + 2]!);
      if (d < bestD) [best, bestD] = [w, d];
    }
    distance += bestD;
    for (let c = 0; c < 3; c++) albedo += Math.abs(a.albedo[3 * v + c]! - b.albedo[3 * best + c]!) / 3;
  }
  return { meanDistance: distance / vertices, meanAlbedoError: albedo / vertices };
}

/** Every iteration both runs snapshotted holds the same payload (pauses add snapshots of their own); both end alike. */
function expectSameEnd(resumed: Snapshot[], uninterrupted: Snapshot[]): void {
  const twins = new Map(uninterrupted.map((s) => [s.iteration, s]));
  const shared = resumed.filter((s) => twins.has(s.iteration));
  for (const s of shared) expect([s.stage, s.payloadBlob], `snapshot ${s.iteration}`).toEqual([twins.get(s.iteration)!.stage, twins.get(s.iteration)!.payloadBlob]);
  expect(shared.length).toBeGreaterThan(2);
  expect(resumed.at(-1)!.iteration).toBe(uninterrupted.at(-1)!.iteration);
  expect(resumed.at(-1)!.stage).toBe(1);
}
