import { KilnError } from '../../../shared/errors';
import type { TriangleMesh } from '../../export/mesh/triangle-mesh';
import { accumulateDeformationGradient, deformedVertex, type TetField } from './tet-deformation';
import { findEdge, type TetGrid } from './tet-grid';

/** A tetrahedron's 6 edges as pairs of its local corners. */
const TET_EDGES = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] as const;

/**
 * For each of the 16 inside/outside patterns of a tetrahedron's corners (bit c set: corner c is inside, s ≤ 0), its 0, 1
 * or 2 triangles as local edge ids, counter-clockwise seen from outside (normal from negative to positive SDF).
 * Derived once on a reference tetrahedron of positive volume: a surface point stays strictly inside its edge, so no
 * triangle ever degenerates and the orientation found there holds for every positively oriented tetrahedron.
 */
const TRIANGLE_TABLE: readonly (readonly number[])[] = buildTriangleTable();

function buildTriangleTable(): number[][] {
  const corners = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const edgeOf = (a: number, b: number) => TET_EDGES.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));
  const midpoint = (e: number) => [0, 1, 2].map((x) => 0.5 * (corners[TET_EDGES[e]![0]]![x]! + corners[TET_EDGES[e]![1]]![x]!));
  const centroid = (set: number[]) => [0, 1, 2].map((x) => set.reduce((s, c) => s + corners[c]![x]!, 0) / set.length);
  const table: number[][] = [];
  for (let pattern = 0; pattern < 16; pattern++) {
    const inside = [0, 1, 2, 3].filter((c) => pattern & (1 << c));
    const outside = [0, 1, 2, 3].filter((c) => !(pattern & (1 << c)));
    let polygons: number[][] = [];
    if (inside.length === 1 || inside.length === 3) {
      const [lone, others] = inside.length === 1 ? [inside[0]!, outside] : [outside[0]!, inside];
      polygons = [others.map((o) => edgeOf(lone, o))];
    } else if (inside.length === 2) {
      const [i0, i1] = inside as [number, number];
      const [o0, o1] = outside as [number, number];
      const quad = [edgeOf(i0, o0), edgeOf(i0, o1), edgeOf(i1, o1), edgeOf(i1, o0)];
      polygons = [[quad[0]!, quad[1]!, quad[2]!], [quad[0]!, quad[2]!, quad[3]!]];
    }
    const outward = inside.length ? centroid(outside).map((c, x) => c - centroid(inside)[x]!) : [0, 0, 0];
    const triangles: number[] = [];
    for (const tri of polygons) {
      const [p, q, r] = tri.map(midpoint) as [number[], number[], number[]];
      const u = [q[0]! - p[0]!, q[1]! - p[1]!, q[2]! - p[2]!], v = [r[0]! - p[0]!, r[1]! - p[1]!, r[2]! - p[2]!];
      const n = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
      const facing = n[0]! * outward[0]! + n[1]! * outward[1]! + n[2]! * outward[2]!;
      triangles.push(...(facing > 0 ? tri : [tri[0]!, tri[2]!, tri[1]!]));
    }
    table.push(triangles);
  }
  return table;
}

/** Why an extraction has no surface: the SDF has one sign at every grid vertex. */
export type VanishedSurface = 'all-inside' | 'all-outside';

/** The error a stage raises when its surface vanished: what happened, and the way out. */
export function surfaceVanishedError(vanished: VanishedSurface, iteration: number): KilnError {
  const what = vanished === 'all-outside' ? 'every grid vertex ended up outside the object (the shape shrank to nothing)' : 'every grid vertex ended up inside the object (the shape filled the whole volume)';
  return new KilnError(
    'optimisation',
    `the mesh vanished at iteration ${iteration}: ${what}. The snapshots before it are kept: branch from an earlier one with a lower learning rate or a smaller SDF regulariser weight, or start the mesh stage from a later stage-1 snapshot`,
  );
}

/**
 * The surface marching tetrahedra extracts: an indexed, welded triangle mesh (one vertex per crossed grid edge,
 * so it is closed wherever the grid's shell is outside), and for each surface vertex the grid edge (a, b) it lies
 * on, which the backward pass needs. `vanished` says why a mesh is empty.
 */
export interface MarchedSurface extends TriangleMesh {
  edgeVertices: Uint32Array;
  vanished: VanishedSurface | null;
}

/**
 * Marching tetrahedra over the deformed grid: a surface vertex on each edge (a, b) whose SDF changes sign, at
 * v = (v_a·s_b − v_b·s_a)/(s_b − s_a), and per tetrahedron 0, 1 or 2 triangles by its sign pattern. s = 0 counts
 * as inside (as the exporter's marching cubes counts density = iso-level), so s_b − s_a never vanishes on a crossed
 * edge.
 */
export function marchTetrahedra(grid: TetGrid, field: TetField): MarchedSurface {
  const { sdf } = field;
  const vertices = sdf.length;
  const inside = new Uint8Array(vertices);
  let insideCount = 0;
  for (let v = 0; v < vertices; v++) insideCount += inside[v] = sdf[v]! <= 0 ? 1 : 0;
  if (insideCount === 0 || insideCount === vertices) {
    return { positions: new Float32Array(0), indices: new Uint32Array(0), edgeVertices: new Uint32Array(0), vanished: insideCount ? 'all-inside' : 'all-outside' };
  }
  // Surface vertices are numbered as the tetrahedra first meet their edges; the scratch map is reset before return.
  const surfaceOfEdge = edgeScratch(grid);
  const ends: number[] = [];
  const crossed: number[] = [];
  const indices: number[] = [];
  const { tets } = grid;
  for (let t = 0; t < tets.length; t += 4) {
    const pattern = inside[tets[t]!]! | (inside[tets[t + 1]!]! << 1) | (inside[tets[t + 2]!]! << 2) | (inside[tets[t + 3]!]! << 3);
    if (pattern === 0 || pattern === 15) continue;
    for (const local of TRIANGLE_TABLE[pattern]!) {
      const [p, q] = TET_EDGES[local]!;
      const u = tets[t + p]!, v = tets[t + q]!;
      const e = findEdge(grid, u, v);
      let s = surfaceOfEdge[e]!;
      if (s < 0) {
        s = surfaceOfEdge[e] = crossed.length;
        crossed.push(e);
        ends.push(Math.min(u, v), Math.max(u, v));
      }
      indices.push(s);
    }
  }
  for (const e of crossed) surfaceOfEdge[e] = -1;
  const edgeVertices = Uint32Array.from(ends);
  const positions = new Float32Array(3 * crossed.length);
  const pa = new Float64Array(3), pb = new Float64Array(3);
  for (let s = 0; s < crossed.length; s++) {
    const a = edgeVertices[2 * s]!, b = edgeVertices[2 * s + 1]!;
    deformedVertex(grid, field, a, pa);
    deformedVertex(grid, field, b, pb);
    const sa = sdf[a]!, sb = sdf[b]!, d = sb - sa;
    for (let x = 0; x < 3; x++) positions[3 * s + x] = (pa[x]! * sb - pb[x]! * sa) / d;
  }
  return { positions, indices: Uint32Array.from(indices), edgeVertices, vanished: null };
}

/** Per grid, an edge → surface vertex map kept all −1 between calls (clearing a map of every edge would cost more). */
const edgeScratchOf = new WeakMap<TetGrid, Int32Array>();
function edgeScratch(grid: TetGrid): Int32Array {
  let scratch = edgeScratchOf.get(grid);
  if (!scratch) edgeScratchOf.set(grid, (scratch = new Int32Array(grid.edgeEnd.length).fill(-1)));
  return scratch;
}

/** The gradients of the grid's trainable values, accumulated (+=) by each backward pass. */
export interface TetFieldGradients {
  sdf: Float32Array;
  deformation: Float32Array;
}

export function createTetFieldGradients(field: TetField): TetFieldGradients {
  return { sdf: new Float32Array(field.sdf.length), deformation: new Float32Array(field.deformation.length) };
}

/**
 * Backward of marchTetrahedra: dL/d(surface vertex positions) (3 per vertex) → dL/ds and dL/dδ, added into `grads`.
 * With D = s_b − s_a: ∂v/∂s_a = s_b·(v_a − v_b)/D², ∂v/∂s_b = −s_a·(v_a − v_b)/D², ∂v/∂v_a = s_b/D, ∂v/∂v_b = −s_a/D.
 * The surface's connectivity is piecewise constant in the SDF, so it carries no gradient.
 */
export function marchTetrahedraBackward(grid: TetGrid, field: TetField, surface: MarchedSurface, dPositions: ArrayLike<number>, grads: TetFieldGradients): void {
  const { sdf } = field;
  const pa = new Float64Array(3), pb = new Float64Array(3);
  for (let s = 0; s < surface.edgeVertices.length / 2; s++) {
    const a = surface.edgeVertices[2 * s]!, b = surface.edgeVertices[2 * s + 1]!;
    const gx = dPositions[3 * s]!, gy = dPositions[3 * s + 1]!, gz = dPositions[3 * s + 2]!;
    if (gx === 0 && gy === 0 && gz === 0) continue;
    deformedVertex(grid, field, a, pa);
    deformedVertex(grid, field, b, pb);
    const sa = sdf[a]!, sb = sdf[b]!, d = sb - sa;
    const along = (gx * (pa[0]! - pb[0]!) + gy * (pa[1]! - pb[1]!) + gz * (pa[2]! - pb[2]!)) / (d * d);
    grads.sdf[a]! += sb * along;
    grads.sdf[b]! -= sa * along;
    const wa = sb / d, wb = -sa / d;
    accumulateDeformationGradient(grid, field, a, wa * gx, wa * gy, wa * gz, grads.deformation);
    accumulateDeformationGradient(grid, field, b, wb * gx, wb * gy, wb * gz, grads.deformation);
  }
}
