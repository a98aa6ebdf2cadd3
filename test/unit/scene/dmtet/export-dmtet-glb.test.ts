import { createRequire } from 'node:module';
import { NodeIO } from '@gltf-transform/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { triangleComponents } from '../../../../src/core/export/mesh/mesh-components';
import { albedoLogit, colourNodeSpacing, createColourField } from '../../../../src/core/scene/dmtet/colour-field';
import { exportDmtetGlb } from '../../../../src/core/scene/dmtet/export-dmtet-glb';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { SCENE_EXTENT_M } from '../../../../src/core/scene/gaussians/gaussian-model';

interface ValidationReport {
  issues: { numErrors: number; messages: { code: string; message: string; severity: number }[] };
}
const validator = createRequire(import.meta.url)('gltf-validator') as { validateBytes(data: Uint8Array): Promise<ValidationReport> };

const RED = [0.9, 0.1, 0.1], BLUE = [0.1, 0.2, 0.9];
const RADIUS = 0.5;

/**
 * A DMTet sphere of 0.5 m with a speck (a 6 cm ball, far under 10 % of its area) beside it, and a colour field red
 * above y = 0 and blue below: what the export must keep, drop and bake.
 */
function twoToneDmtet() {
  const grid = buildTetGrid(64);
  const p = grid.positions;
  const sdf = Float32Array.from({ length: p.length / 3 }, (_, v) => {
    const [x, y, z] = [p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!];
    return Math.min(Math.hypot(x, y, z) - RADIUS, Math.hypot(x - 0.75, y, z) - 0.06);
  });
  const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.5));
  const colour = createColourField(32);
  const n = colour.resolution, h = colourNodeSpacing(colour);
  for (let node = 0; node < n ** 3; node++) {
    const y = -SCENE_EXTENT_M + Math.floor(node / n) % n * h;
    const albedo = y > 0 ? RED : BLUE;
    for (let c = 0; c < 3; c++) colour.logits[3 * node + c] = albedoLogit(albedo[c]!);
  }
  return { surface, colour, cellM: grid.cellM };
}

describe('GLB export of a DMTet mesh', () => {
  let exported: Awaited<ReturnType<typeof exportDmtetGlb>>;
  let pieces: number;
  beforeAll(async () => {
    const { surface, colour, cellM } = twoToneDmtet();
    pieces = triangleComponents(surface).count;
    exported = await exportDmtetGlb(surface, colour, cellM, { targetTriangles: 3000, textureSize: 256 });
  }, 60_000);

  it('passes the Khronos glTF validator with no errors', async () => {
    const report = await validator.validateBytes(exported.glb);
    expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
  });

  it('keeps the object and drops the speck (under 10 % of the largest piece), simplified to the target', () => {
    expect(pieces).toBe(2);
    expect(exported.report).toMatchObject({ keptComponents: 1, droppedComponents: 1 });
    expect(exported.report.triangles).toBeLessThanOrEqual(3000);
    // The speck at x = 0.75 is gone: every vertex lies on the 0.5 m sphere.
    const p = exported.worldMesh.positions;
    for (let v = 0; v < p.length / 3; v++) expect(Math.abs(Math.hypot(p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!) - RADIUS)).toBeLessThan(0.02);
  });

  it('bakes the albedo (not shaded) into the texel each vertex UV names: red above the equator, blue below', async () => {
    const doc = await new NodeIO().readBinary(exported.glb);
    const primitive = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
    const uv = primitive.getAttribute('TEXCOORD_0')!;
    const { pixels, size } = exported.texture;
    const p = exported.worldMesh.positions;
    let checked = 0, within = 0;
    for (let v = 0; v < uv.getCount(); v++) {
      const y = p[3 * v + 1]!;
      if (Math.abs(y) < 0.08) continue; // the field blends the two colours over one node spacing
      const [u, t] = uv.getElement(v, [0, 0]);
      const texel = 3 * (Math.min(size - 1, Math.floor(t! * size)) * size + Math.min(size - 1, Math.floor(u! * size)));
      const want = y > 0 ? RED : BLUE;
      checked++;
      if ([0, 1, 2].every((c) => Math.abs(pixels[texel + c]! - 255 * want[c]!) <= 3)) within++;
    }
    expect(checked).toBeGreaterThan(200);
    expect(within / checked).toBeGreaterThan(0.98);
  });
});
