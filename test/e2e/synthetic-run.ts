import { encodeCompactGaussians } from '../../src/shared/gaussians/compact-gaussians';
import { allocateGaussians } from '../../src/shared/gaussians/gaussian-layout';
import { Rng } from '../../src/core/random/rng';
import { openKilnStore } from '../../src/core/store/kiln-store';

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
    const rng = new Rng(7);
    const g = allocateGaussians(options.count, 0);
    for (let i = 0; i < g.count; i++) {
      // Uniform in a ball of radius 0.6 around (0, 0.6, 0), so it sits on the grid.
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
    for (let k = 0; k < options.snapshots; k++) {
      const [r, gg, b] = snapshotColour(k);
      for (let i = 0; i < g.count; i++) g.shDc.set([(r - 0.5) / SH_C0, (gg - 0.5) / SH_C0, (b - 0.5) / SH_C0], 3 * i);
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
