import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun, type LivePayload, type RunHooks } from '../../../src/core/pipeline/generation';
import { createRun } from '../../../src/core/pipeline/run-control';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { decodeCompactGaussians } from '../../../src/shared/gaussians/compact-gaussians';
import type { RunProgress } from '../../../src/shared/runs';
import { makeTempHome } from '../../helpers/temp-home';

// The pipeline's live hooks for the studio: Gaussians between snapshots and the method's x̂₀ preview.
const temp = makeTempHome('kiln-live-hooks-');
let store: KilnStore;
let projectId: string;
const REQUEST = { prompt: 'a blue cube', iterations: 6, batchSize: 1, initialGaussians: 200, snapshotEvery: 3, seed: 9 };

beforeAll(() => {
  store = openKilnStore(temp.home);
  projectId = store.projects.create('live').id;
});

afterAll(() => {
  store.close();
  temp.cleanup();
});

async function run(hooks: RunHooks) {
  const record = createRun(store.runs, projectId, REQUEST);
  await executeRun({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 }, record.id, hooks);
  return record.id;
}

describe('live splats and previews', () => {
  it('reports the Gaussians of every iteration and a preview with every progress report when the interval is 0', async () => {
    const live: LivePayload[] = [];
    const progress: RunProgress[] = [];
    const runId = await run({ onLivePayload: (l) => live.push(l), onProgress: (p) => progress.push(p), liveIntervalMs: 0, progressIntervalMs: 0 });
    expect(live.map((l) => l.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const l of live) {
      expect([l.stage, l.kind]).toEqual([0, 'splats']);
      expect(decodeCompactGaussians(l.payload).count).toBe(l.size);
    }
    // The last live payload is the model the final snapshot stored.
    const last = store.runs.getSnapshot(runId, 6);
    expect(Buffer.compare(live.at(-1)!.payload, store.blobs.read(last.payloadBlob))).toBe(0);
    expect(progress).toHaveLength(6);
    for (const p of progress) {
      expect(p.preview).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(p.preview!.split(',')[1]!, 'base64');
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 64]);
    }
  }, 60_000);

  it('produces neither without an interval (the command line)', async () => {
    const live: unknown[] = [];
    const progress: RunProgress[] = [];
    await run({ onLivePayload: (l) => live.push(l), onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    expect(live).toEqual([]);
    expect(progress.length).toBe(6);
    expect(progress.every((p) => p.preview === undefined)).toBe(true);
  }, 60_000);

  it('throttles both to the interval', async () => {
    const live: number[] = [];
    const previews: number[] = [];
    await run({ onLivePayload: (l) => live.push(l.iteration), onProgress: (p) => p.preview && previews.push(p.iteration), liveIntervalMs: 60_000, progressIntervalMs: 0 });
    expect(live).toEqual([1]);
    expect(previews).toEqual([1]);
  }, 60_000);
});
