import { describe, expect, it } from 'vitest';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { meshEdges } from '../../../../src/core/scene/dmtet/mesh-edges';
import { laplacianLoss, normalConsistencyLoss, sdfSignLoss } from '../../../../src/core/scene/dmtet/regularisers';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { Rng } from '../../../../src/core/random/rng';
import { expectGradientMatches } from './gradient-check';
import { noisySphere, sphereSdf } from './sphere-fixture';

const grid = buildTetGrid(32);

/** A bumpy closed surface from marching tets on a noisy, deformed sphere. */
function bumpySurface() {
  const { sdf, deformation } = noisySphere(grid, 0.5, 21);
  const field = createTetField(grid, sdf, 0.5);
  field.deformation.set(deformation);
  return marchTetrahedra(grid, field);
}

function sampleEntries(count: number, every: number): number[] {
  const rng = new Rng(4);
  return Array.from({ length: every }, () => rng.int(0, count - 1));
}

describe('mesh regularisers', () => {
  const extracted = bumpySurface();
  const edges = meshEdges(extracted);
  // Float64 positions: marching tets makes slivers, whose normals turn so fast that float32 steps are too coarse.
  const surface = { positions: Float64Array.from(extracted.positions), indices: extracted.indices };

  it('Laplacian mean‖L·V‖²: gradient matches finite differences, weight scales it, and it is 0 for a lone translation', () => {
    const grad = new Float64Array(surface.positions.length);
    const loss = laplacianLoss(surface, edges, grad);
    expect(loss).toBeGreaterThan(0);
    const entries = sampleEntries(surface.positions.length, 60);
    expect(expectGradientMatches(surface.positions, entries, grad, () => laplacianLoss(surface, edges, new Float64Array(grad.length)), { eps: 1e-5, atol: 1e-9, rtol: 1e-4 })).toBeGreaterThan(30);
    const weighted = new Float64Array(grad.length);
    expect(laplacianLoss(surface, edges, weighted, 0.25)).toBeCloseTo(loss, 12);
    expect(weighted[entries[0]!]).toBeCloseTo(0.25 * grad[entries[0]!]!, 12);
    // L·V does not change when the whole mesh moves: a translation costs nothing.
    const moved = { ...surface, positions: surface.positions.map((x, i) => x + (i % 3 === 1 ? 0.125 : 0)) };
    expect(laplacianLoss(moved, edges, new Float64Array(grad.length))).toBeCloseTo(loss, 6);
  });

  it('normal consistency mean(1 − cos): gradient matches finite differences; a smoother sphere costs less', () => {
    const grad = new Float64Array(surface.positions.length);
    const loss = normalConsistencyLoss(surface, edges, grad);
    const entries = sampleEntries(surface.positions.length, 60);
    expect(expectGradientMatches(surface.positions, entries, grad, () => normalConsistencyLoss(surface, edges, new Float64Array(grad.length)), { eps: 1e-7, atol: 1e-6, rtol: 1e-3 })).toBeGreaterThan(30);
    const smooth = marchTetrahedra(grid, createTetField(grid, sphereSdf(grid, 0.5), 0.5));
    const smoothLoss = normalConsistencyLoss(smooth, meshEdges(smooth), new Float64Array(smooth.positions.length));
    expect(smoothLoss).toBeLessThan(loss);
    expect(smoothLoss).toBeGreaterThan(0);
    expect(loss).toBeLessThanOrEqual(2);
  });

  it('SDF sign-flip BCE: gradient in the SDF values matches finite differences and is zero away from the surface', () => {
    const { sdf } = noisySphere(grid, 0.5, 9);
    const field = createTetField(grid, sdf, 0.5);
    const crossing = marchTetrahedra(grid, field);
    const grad = new Float32Array(sdf.length);
    const loss = sdfSignLoss(crossing, sdf, grad);
    // Both ends of a crossed edge are near zero, so each term is close to log 2 and the mean of two terms is ≈ 2 log 2.
    expect(loss).toBeGreaterThan(1.3);
    expect(loss).toBeLessThan(1.45);
    const ends = [...new Set(crossing.edgeVertices)].filter((v) => Math.abs(sdf[v]!) > 2e-3);
    const entries = ends.filter((_, i) => i % Math.ceil(ends.length / 60) === 0);
    // The crossed edges are fixed while no sign flips, so the loss is re-evaluated on the same edges.
    expect(expectGradientMatches(sdf, entries, grad, () => sdfSignLoss(crossing, sdf, new Float32Array(sdf.length)), { eps: 1e-3, atol: 1e-6, rtol: 1e-2 })).toBeGreaterThan(30);
    const onSurface = new Set(crossing.edgeVertices);
    expect(grad.every((g, v) => g === 0 || onSurface.has(v))).toBe(true);
    // Descending the gradient pulls the two sides together (fewer confident flips): the loss falls.
    const stepped = sdf.map((s, v) => s - 0.01 * grad[v]! * crossing.edgeVertices.length);
    expect(sdfSignLoss(crossing, stepped, new Float32Array(sdf.length))).toBeLessThan(loss);
  });
});
