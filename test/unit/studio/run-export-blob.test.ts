import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { exportRunToBlob } from '../../../src/core/studio/run-export';
import { readInriaPly } from '../../../src/core/export/ply/ply-reader';
import { writeTwoStageRun } from '../../e2e/synthetic-run';
import { makeTempHome } from '../../helpers/temp-home';

interface ValidationReport {
  issues: { numErrors: number; messages: { severity: number }[] };
}
const validator = createRequire(import.meta.url)('gltf-validator') as { validateBytes(data: Uint8Array): Promise<ValidationReport> };

/** The JSON chunk of a GLB (after the 12-byte header and the chunk's 8-byte header). */
function glbJson(bytes: Uint8Array): { meshes?: unknown[]; images?: unknown[]; accessors?: { count: number }[] } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length))) as ReturnType<typeof glbJson>;
}

/**
 * The studio's export (runs.export, what the browser downloads) of a run of Gaussians then a DMTet mesh, recorded
 * through the real store: the GLB of a mesh snapshot is that mesh, as `kiln export` writes it; splat formats write the
 * Gaussians. It once meshed the stage-1 splats for every GLB, and refused a mesh snapshot outright.
 */
describe('runs.export of a two-stage run', () => {
  const temp = makeTempHome('kiln-run-export-blob-');
  let store: KilnStore;
  let runId: string;

  beforeAll(() => {
    runId = writeTwoStageRun(temp.home, 'Rings').runId;
    store = openKilnStore(temp.home);
  });

  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  const bytesOf = (blob: string) => new Uint8Array(store.blobs.read(blob));

  it('writes the newest snapshot’s GLB from the mesh itself: valid glTF, textured', async () => {
    const result = await exportRunToBlob(store, { runId, format: 'glb' });
    expect([result.format, result.iteration, result.fileName]).toEqual(['glb', 50, 'a-red-ring-sds-50.glb']);
    const bytes = bytesOf(result.blob);
    expect((await validator.validateBytes(bytes)).issues.messages.filter((m) => m.severity === 0)).toEqual([]);
    const json = glbJson(bytes);
    expect(json.meshes).toHaveLength(1);
    expect(json.images).toHaveLength(1);
    expect(store.runs.listAssets(runId).map((a) => [a.format, a.iteration])).toEqual([['glb', 50]]);
  }, 60_000);

  it('writes a named mesh snapshot’s GLB from that mesh, and a splat snapshot’s GLB from its splats', async () => {
    const fromMesh = await exportRunToBlob(store, { runId, format: 'glb', iteration: 40 });
    expect(fromMesh.iteration).toBe(40);
    // A coarse grid and texture: the splat path is the slow one, and only its source matters here.
    const fromSplats = await exportRunToBlob(store, { runId, format: 'glb', iteration: 20, options: { gridResolution: 48, textureSize: 128, targetTriangles: 2000 } });
    expect(fromSplats.iteration).toBe(20);
    // Two different surfaces: the torus mesh and the surface meshed from the ball of splats.
    expect(fromSplats.blob).not.toBe(fromMesh.blob);
    expect((await validator.validateBytes(bytesOf(fromSplats.blob))).issues.numErrors).toBe(0);
  }, 60_000);

  it('writes splat formats from the last Gaussians, and refuses them for a named mesh snapshot', async () => {
    const ply = await exportRunToBlob(store, { runId, format: 'ply' });
    expect(ply.iteration).toBe(30);
    expect(readInriaPly(bytesOf(ply.blob)).count).toBe(4000);
    await expect(exportRunToBlob(store, { runId, format: 'ply', iteration: 50 })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/holds a mesh/) });
  });
});
