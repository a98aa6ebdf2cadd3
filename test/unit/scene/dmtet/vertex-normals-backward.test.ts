import { describe, expect, it } from 'vitest';
import { vertexNormals, type TriangleMesh } from '../../../../src/core/export/mesh/triangle-mesh';
import { Rng } from '../../../../src/core/random/rng';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { vertexNormalsBackward } from '../../../../src/core/scene/dmtet/vertex-normals-backward';
import { expectGradientMatches, weightedSum } from './gradient-check';
import { sphereSdf } from './sphere-fixture';

describe('vertex normals backward', () => {
  it('matches finite differences of the exporter\'s area-weighted unit normals', () => {
    const grid = buildTetGrid(32);
    const extracted = marchTetrahedra(grid, createTetField(grid, sphereSdf(grid, 0.55), 0.5));
    // Float64 positions (the forward only indexes them), so the finite differences are not float32 steps.
    const mesh = { positions: Float64Array.from(extracted.positions), indices: extracted.indices };
    const rng = new Rng(8);
    const weights = Float64Array.from({ length: mesh.positions.length }, () => rng.normal());
    const grad = new Float64Array(mesh.positions.length);
    vertexNormalsBackward(mesh, weights, grad);
    const loss = () => weightedSum(vertexNormals(mesh as unknown as TriangleMesh), weights);
    const entries = Array.from({ length: 60 }, () => rng.int(0, mesh.positions.length - 1));
    expect(expectGradientMatches(mesh.positions, entries, grad, loss, { eps: 1e-5, atol: 2e-2, rtol: 1e-2 })).toBeGreaterThan(40);
  });
});
