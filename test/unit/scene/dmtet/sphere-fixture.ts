import { triangleComponents } from '../../../../src/core/export/mesh/mesh-components';
import type { TriangleMesh } from '../../../../src/core/export/mesh/triangle-mesh';
import { Rng } from '../../../../src/core/random/rng';
import { meshEdges } from '../../../../src/core/scene/dmtet/mesh-edges';
import type { TetGrid } from '../../../../src/core/scene/dmtet/tet-grid';

/** The exact signed distance of a sphere of radius r at the origin, at every grid vertex. */
export function sphereSdf(grid: TetGrid, r: number): Float32Array {
  const p = grid.positions;
  return Float32Array.from({ length: p.length / 3 }, (_, v) => Math.hypot(p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!) - r);
}

/** A sphere's SDF with noise, and random deformations: a generic surface for gradient checks. */
export function noisySphere(grid: TetGrid, r: number, seed: number): { sdf: Float32Array; deformation: Float32Array } {
  const rng = new Rng(seed);
  const sdf = sphereSdf(grid, r).map((s) => s + 0.3 * grid.cellM * rng.range(-1, 1));
  const deformation = Float32Array.from({ length: grid.positions.length }, () => rng.range(-1.5, 1.5));
  return { sdf, deformation };
}


/** What a closed, consistently oriented, single-piece surface must show. */
export function surfaceTopology(mesh: TriangleMesh): { edges: number; openEdges: number; unpaired: number; components: number } {
  const e = meshEdges(mesh);
  let openEdges = 0;
  for (let k = 0; k < e.a.length; k++) if (e.forwardFace[k]! < 0 || e.backwardFace[k]! < 0) openEdges++;
  return { edges: e.a.length, openEdges, unpaired: e.unpaired, components: triangleComponents(mesh).count };
}
