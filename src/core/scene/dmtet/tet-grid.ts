import { SCENE_EXTENT_M } from '../gaussians/gaussian-model';
import { assertTetGridResolution } from './dmtet-settings';

/**
 * A tetrahedral grid over the generation volume: base vertex positions, tetrahedra (4 vertex ids each, positively
 * oriented: det(v1 − v0, v2 − v0, v3 − v0) > 0) and the unique edge list in compressed rows — edge e joins vertex a
 * (edgeStart[a] ≤ e < edgeStart[a + 1]) to edgeEnd[e] > a, ascending within a row.
 *
 * Kiln's lattice is the Kuhn (Freudenthal) split of a cube lattice: every cube is cut into the 6 tetrahedra that
 * share its (0,0,0)–(1,1,1) diagonal, one per ordering of the axes. Because every cube uses the same diagonal
 * direction, the split of a shared square face is the same seen from both cubes, so faces match and the grid is a
 * proper triangulation; every edge is one of 7 positive lattice directions, so the edge list falls out of the
 * lattice without hashing. A body-centred cubic lattice (Quartet's) is more isotropic but needs two interleaved
 * lattices and 12 tetrahedra per cell, twice the tetrahedra for the same spacing; the surface is smoothed by the
 * vertex deformations and the regularisers anyway.
 *
 * Only tetrahedra with a vertex strictly inside the generation ball (radius SCENE_EXTENT_M) are kept, which halves
 * the grid. Every face on the grid's boundary then has all three vertices at |p| ≥ SCENE_EXTENT_M: `shell` lists
 * those vertices, and holding their SDF positive keeps every extracted surface closed.
 */
export interface TetGrid {
  resolution: number;
  /** Edge length of one lattice cube (metres). */
  cellM: number;
  positions: Float32Array;
  tets: Uint32Array;
  edgeStart: Uint32Array;
  edgeEnd: Uint32Array;
  shell: Uint32Array;
}

export const vertexCount = (grid: TetGrid): number => grid.positions.length / 3;
export const tetCount = (grid: TetGrid): number => grid.tets.length / 4;
export const edgeCount = (grid: TetGrid): number => grid.edgeEnd.length;

/** The 6 axis orderings of the Kuhn split, and whether each is an odd permutation (its tetrahedron is flipped). */
const AXIS_ORDERS = [
  [0, 1, 2, false],
  [1, 2, 0, false],
  [2, 0, 1, false],
  [0, 2, 1, true],
  [2, 1, 0, true],
  [1, 0, 2, true],
] as const;

/** Builds the Kuhn grid with `resolution` cubes along each side of the box [−R, R]³, R = SCENE_EXTENT_M. */
export function buildTetGrid(resolution: number): TetGrid {
  assertTetGridResolution(resolution);
  const n = resolution + 1;
  const cellM = (2 * SCENE_EXTENT_M) / resolution;
  const coord = (i: number) => -SCENE_EXTENT_M + i * cellM;
  const radius2 = SCENE_EXTENT_M * SCENE_EXTENT_M;
  const inside = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) inside[(k * n + j) * n + i] = coord(i) ** 2 + coord(j) ** 2 + coord(k) ** 2 < radius2 ? 1 : 0;
  const stride = [1, n, n * n];
  // Lattice tetrahedra (lattice vertex ids) and, per lattice vertex, a bit per positive direction d = dx + 2dy + 4dz − 1.
  const latticeTets = new Uint32Array(24 * resolution ** 3);
  let corners = 0;
  const edgeBits = new Uint8Array(n * n * n);
  const corner = [0, 0, 0, 0];
  const markEdge = (u: number, v: number) => {
    const [lo, hi] = u < v ? [u, v] : [v, u];
    const off = hi - lo;
    const dz = off >= stride[2]! ? 1 : 0;
    const rest = off - dz * stride[2]!;
    const dy = rest >= stride[1]! ? 1 : 0;
    edgeBits[lo] = edgeBits[lo]! | (1 << (rest - dy * stride[1]! + 2 * dy + 4 * dz - 1));
  };
  for (let k = 0; k < resolution; k++)
    for (let j = 0; j < resolution; j++)
      for (let i = 0; i < resolution; i++) {
        const base = (k * n + j) * n + i;
        for (const [p0, p1, p2, odd] of AXIS_ORDERS) {
          corner[0] = base;
          corner[1] = base + stride[p0]!;
          corner[2] = corner[1]! + stride[p1]!;
          corner[3] = corner[2]! + stride[p2]!;
          if (!(inside[corner[0]!]! | inside[corner[1]!]! | inside[corner[2]!]! | inside[corner[3]!]!)) continue;
          // det(e_p0, e_p0 + e_p1, e_p0 + e_p1 + e_p2) is the permutation's sign: swap two corners of odd ones.
          latticeTets.set(odd ? [corner[0]!, corner[1]!, corner[3]!, corner[2]!] : corner, corners);
          corners += 4;
          for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) markEdge(corner[a]!, corner[b]!);
        }
      }
  const compact = new Int32Array(n * n * n).fill(-1);
  for (let t = 0; t < corners; t++) compact[latticeTets[t]!] = 0;
  let vertices = 0;
  for (let v = 0; v < compact.length; v++) if (compact[v] === 0) compact[v] = vertices++;
  const positions = new Float32Array(3 * vertices);
  const shell: number[] = [];
  const offsets = [1, n, n + 1, n * n, n * n + 1, n * n + n, n * n + n + 1];
  const edgeStart = new Uint32Array(vertices + 1);
  const edgeEnd = new Uint32Array(7 * vertices);
  let edges = 0;
  for (let v = 0; v < compact.length; v++) {
    const c = compact[v]!;
    if (c < 0) continue;
    const i = v % n, j = Math.floor(v / n) % n, k = Math.floor(v / (n * n));
    positions[3 * c] = coord(i);
    positions[3 * c + 1] = coord(j);
    positions[3 * c + 2] = coord(k);
    if (!inside[v]) shell.push(c);
    for (let d = 0; d < 7; d++) if (edgeBits[v]! & (1 << d)) edgeEnd[edges++] = compact[v + offsets[d]!]!;
    edgeStart[c + 1] = edges;
  }
  const tets = new Uint32Array(corners);
  for (let t = 0; t < corners; t++) tets[t] = compact[latticeTets[t]!]!;
  return { resolution, cellM, positions, tets, edgeStart, edgeEnd: edgeEnd.slice(0, edges), shell: Uint32Array.from(shell) };
}

/** The id of the grid edge joining vertices u and v, or −1 when they are not joined. */
export function findEdge(grid: TetGrid, u: number, v: number): number {
  const lo = Math.min(u, v), hi = Math.max(u, v);
  for (let e = grid.edgeStart[lo]!; e < grid.edgeStart[lo + 1]!; e++) if (grid.edgeEnd[e] === hi) return e;
  return -1;
}
