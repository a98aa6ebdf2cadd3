import { describe, expect, it } from 'vitest';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { resampleTetField } from '../../../../src/core/scene/dmtet/resample-tet-field';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { noisySphere, surfaceTopology } from './sphere-fixture';
import { signedVolume } from '../../../helpers/mesh-shapes';

const coarse = buildTetGrid(32);
const fine = buildTetGrid(64);

describe('raising the grid resolution', () => {
  it('keeps the surface: without deformations the finer grid contours the same function (same volume, same values at shared points)', () => {
    const { sdf } = noisySphere(coarse, 0.5, 5);
    const field = createTetField(coarse, sdf, 0.5);
    const before = marchTetrahedra(coarse, field);
    const raised = resampleTetField(coarse, field, fine);
    const after = marchTetrahedra(fine, raised);
    expect(surfaceTopology(after)).toMatchObject({ openEdges: 0, unpaired: 0, components: surfaceTopology(before).components });
    // The same piecewise-linear zero set, so the same enclosed volume.
    expect(signedVolume(after)).toBeCloseTo(signedVolume(before), 6);
    // Coarse lattice points are fine lattice points: they keep their values.
    const fineIndex = new Map<string, number>();
    for (let v = 0; v < fine.positions.length / 3; v++) fineIndex.set(Array.from(fine.positions.subarray(3 * v, 3 * v + 3)).join(), v);
    let moved = 0, matched = 0;
    for (let v = 0; v < coarse.positions.length / 3; v++) {
      const w = fineIndex.get(Array.from(coarse.positions.subarray(3 * v, 3 * v + 3)).join());
      if (w === undefined) continue;
      matched++;
      if (Math.abs(raised.sdf[w]! - sdf[v]!) > 1e-6) moved++;
    }
    expect(matched).toBeGreaterThan(0.9 * (coarse.positions.length / 3));
    expect(moved).toBe(0);
  });

  it('carries the deformations: the deformed surface stays where it was, within the finer grid\'s reach', () => {
    const { sdf, deformation } = noisySphere(coarse, 0.5, 6);
    const field = createTetField(coarse, sdf, 0.5);
    field.deformation.set(deformation.map((d) => 0.5 * d));
    const before = marchTetrahedra(coarse, field);
    const after = marchTetrahedra(fine, resampleTetField(coarse, field, fine));
    expect(surfaceTopology(after).openEdges).toBe(0);
    expect(Math.abs(signedVolume(after) / signedVolume(before) - 1)).toBeLessThan(0.02);
  });
});
