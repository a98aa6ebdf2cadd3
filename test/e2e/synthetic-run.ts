import { resolveRunConfig, totalIterations } from '../../src/core/pipeline/run-config';
import { Rng } from '../../src/core/random/rng';
import { openKilnStore } from '../../src/core/store/kiln-store';
import { encodeCompactGaussians } from '../../src/shared/gaussians/compact-gaussians';
import { allocateGaussians, type GaussianArrays } from '../../src/shared/gaussians/gaussian-layout';
import { encodeMeshSnapshot, type MeshSnapshot } from '../../src/shared/mesh/mesh-snapshot-payload';
import { torus } from '../helpers/mesh-shapes';

const SH_C0 = 0.28209479177387814;

/** Hues far apart for neighbouring snapshots, so every timeline step changes the picture. */
function snapshotColour(k: number): [number, number, number] {
  const palette: [number, number, number][] = [
    [0.9, 0.15, 0.1],
    [0.1, 0.8, 0.2],
    [0.15, 0.3, 0.95],
    [0.95, 0.85, 0.1],
  ];
  return palette[k % palette.length]!;
}

/** `count` Gaussians uniform in a ball of radius 0.6 around (0, 0.6, 0), so it sits on the grid; colour unset. */
function ballOfGaussians(count: number): GaussianArrays {
  const rng = new Rng(7);
  const g = allocateGaussians(count, 0);
  for (let i = 0; i < g.count; i++) {
    let x: number, y: number, z: number;
    do {
      x = rng.range(-1, 1);
      y = rng.range(-1, 1);
      z = rng.range(-1, 1);
    } while (x * x + y * y + z * z > 1);
    g.means.set([0.6 * x, 0.6 + 0.6 * y, 0.6 * z], 3 * i);
    g.logScales.fill(Math.log(0.012), 3 * i, 3 * i + 3);
    g.quats.set([1, 0, 0, 0], 4 * i);
    g.opacityLogits[i] = 2;
  }
  return g;
}

function paint(g: GaussianArrays, [r, gg, b]: [number, number, number]): void {
  for (let i = 0; i < g.count; i++) g.shDc.set([(r - 0.5) / SH_C0, (gg - 0.5) / SH_C0, (b - 0.5) / SH_C0], 3 * i);
}

/**
 * Writes a completed run of `snapshots` snapshots of `count` Gaussians straight into a Kiln home's store (the same
 * repositories and blob store the engine uses): a ball of splats whose colour changes from snapshot to snapshot.
 */
export function writeSyntheticRun(home: string, options: { projectName: string; count: number; snapshots: number }) {
  const store = openKilnStore(home);
  try {
    const project = store.projects.create(options.projectName);
    const iterations = options.snapshots * 10;
    const run = store.runs.createRun({
      projectId: project.id,
      name: `synthetic ${options.count / 1000}k`,
      config: { prompt: 'a synthetic ball', method: 'sds' },
      method: 'sds',
      seed: 7,
      targetIterations: iterations,
    });
    const g = ballOfGaussians(options.count);
    for (let k = 0; k < options.snapshots; k++) {
      paint(g, snapshotColour(k));
      const payloadBlob = store.blobs.put(encodeCompactGaussians(g));
      store.runs.addSnapshot({
        runId: run.id,
        iteration: (k + 1) * 10,
        stage: 0,
        gaussians: g.count,
        payloadKind: 'splats',
        payloadBlob,
        checkpointBlob: null,
        thumbnailBlob: null,
        metrics: {},
      });
    }
    store.runs.setStatus(run.id, 'completed');
    return { projectId: project.id, runId: run.id };
  } finally {
    store.close();
  }
}

/** A torus (ring radius 0.42 m, tube 0.17 m) around the vertical axis at (0, 0.5, 0), of one albedo (bytes). */
export function torusMesh(albedo: [number, number, number]): MeshSnapshot {
  const { positions, indices } = torus([0, 0.5, 0], 0.42, 0.17, 96, 48);
  const albedoBytes = new Uint8Array(positions.length);
  for (let v = 0; v < positions.length / 3; v++) albedoBytes.set(albedo, 3 * v);
  return { positions, indices, albedo: albedoBytes };
}

/** The stages of the two-stage run writeTwoStageRun records: 30 iterations of Gaussians, then 20 of a DMTet mesh. */
export const TWO_STAGE_REQUEST = {
  prompt: 'a red ring',
  method: 'sds' as const,
  seed: 7,
  stages: [
    { representation: 'gaussians' as const, iterations: 30 },
    { representation: 'dmtet' as const, iterations: 20 },
  ],
};

/**
 * Writes a completed two-stage run (Gaussians, then a DMTet mesh) into a Kiln home's store, as the engine would
 * record it, its configuration resolved by the engine's own resolver: green splat snapshots at 10, 20 and 30
 * (stage 0), then mesh snapshots at 40 and 50 (stage 1) holding a red torus.
 */
export function writeTwoStageRun(home: string, projectName: string) {
  const store = openKilnStore(home);
  try {
    const project = store.projects.create(projectName);
    const config = resolveRunConfig(TWO_STAGE_REQUEST);
    const run = store.runs.createRun({ projectId: project.id, config, method: 'sds', seed: 7, targetIterations: totalIterations(config) });
    const g = ballOfGaussians(4000);
    paint(g, [0.1, 0.8, 0.2]);
    const splats = store.blobs.put(encodeCompactGaussians(g));
    const mesh = torusMesh([215, 45, 35]);
    const meshBlob = store.blobs.put(encodeMeshSnapshot(mesh));
    for (const iteration of [10, 20, 30, 40, 50]) {
      const inMesh = iteration > 30;
      store.runs.addSnapshot({
        runId: run.id,
        iteration,
        stage: inMesh ? 1 : 0,
        gaussians: inMesh ? mesh.indices.length / 3 : g.count,
        payloadKind: inMesh ? 'mesh' : 'splats',
        payloadBlob: inMesh ? meshBlob : splats,
        checkpointBlob: null,
        thumbnailBlob: null,
        metrics: {},
      });
    }
    store.runs.setStatus(run.id, 'completed');
    return { projectId: project.id, runId: run.id };
  } finally {
    store.close();
  }
}
