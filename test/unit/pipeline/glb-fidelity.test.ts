import { describe, expect, it } from 'vitest';
import { objectAlbedoAt, objectMesh, projectToSurface } from '../../../src/core/diffusion/demo/object-surface';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { glbFidelity } from '../../../src/core/pipeline/bench/glb-fidelity';
import { exportSurfaceGlb } from '../../../src/core/scene/dmtet/export-dmtet-glb';

const grey = { sample: (_x: number, _y: number, _z: number, _nx: number, _ny: number, _nz: number, out: Float64Array) => (out.fill(0.5, 0, 3), 1) };

describe('a GLB scored against a demo object’s exact surface', () => {
  it('scores the object’s own surface near zero and one piece, and a shifted copy as far as it was moved', async () => {
    const mesh = objectMesh(demoObject('snowman'), 64);
    const exact = await glbFidelity((await exportSurfaceGlb(mesh, () => grey, 0.01, { pivot: 'origin', textureSize: 256 })).glb, 'snowman', 5000);
    expect(exact.pieces).toBe(1);
    // Not 0: two sets of 5000 random samples are a few millimetres apart on the same surface.
    expect(exact.chamferPercent).toBeLessThan(1);
    expect(exact.coveredShare).toBeGreaterThan(0.99);
    const moved = { positions: mesh.positions.map((v, i) => (i % 3 === 0 ? v + 0.1 : v)), indices: mesh.indices };
    const shifted = await glbFidelity((await exportSurfaceGlb(moved, () => grey, 0.01, { pivot: 'origin', textureSize: 256 })).glb, 'snowman', 5000);
    expect(shifted.chamferM).toBeGreaterThan(0.03);
    expect(shifted.coveredShare).toBeLessThan(exact.coveredShare);
  }, 120_000);

  it('scores a texture baked from the object’s albedo within a few 1/255 of it, and a grey one far off', async () => {
    const snowman = demoObject('snowman');
    const albedo = {
      sample: (x: number, y: number, z: number, _nx: number, _ny: number, _nz: number, out: Float64Array) => {
        out.set(objectAlbedoAt(snowman, ...projectToSurface(snowman, [x, y, z])));
        return 1;
      },
    };
    const mesh = objectMesh(snowman, 64);
    const score = async (probe: typeof grey) => (await glbFidelity((await exportSurfaceGlb(mesh, () => probe, 0.01, { pivot: 'origin', textureSize: 512 })).glb, 'snowman', 5000)).albedoError!;
    const exact = await score(albedo);
    // Not 0: texels straddle the borders of the eyes and the nose, and the simplified mesh is off the surface.
    for (const e of exact) expect(e).toBeLessThan(6);
    // The snowman is mostly white (0.95): a grey (0.5) texture is ~110/255 off.
    for (const e of await score(grey)) expect(e).toBeGreaterThan(80);
  }, 120_000);
});
