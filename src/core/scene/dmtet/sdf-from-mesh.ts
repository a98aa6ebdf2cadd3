import { SCENE_EXTENT_M } from '../gaussians/gaussian-model';
import { holdShellOutside } from './initialise-from-density';
import type { TetGrid } from './tet-grid';

/** A closed triangle mesh: positions (V×3) and triangle indices (T×3). */
export interface ClosedMesh {
  positions: Float32Array;
  indices: Uint32Array;
}

/** Beyond this many cells from the surface the SDF is held at it (a truncated SDF: only the sign matters there). */
const TRUNCATION_CELLS = 2;
/**
 * The rays run a hair off the lattice lines: a marched surface's vertices lie on lattice edges, so a ray exactly
 * on a line could pass through a vertex and count its triangles twice (or not at all).
 */
const RAY_NUDGE = [0.3183e-4, 0.5772e-4] as const;

/**
 * Where the lattice lines along `axis` cross the mesh: for the line through lattice nodes (a, b) of the other two
 * axes (in cyclic order after `axis`), the sorted coordinates along `axis` of its crossings.
 */
function axisCrossings(mesh: ClosedMesh, axis: number, n: number, cellM: number): Float64Array[] {
  const [ua, va] = [(axis + 1) % 3, (axis + 2) % 3];
  const lines: number[][] = Array.from({ length: n * n }, () => []);
  const { positions: p, indices } = mesh;
  const nudgeU = RAY_NUDGE[0] * cellM, nudgeV = RAY_NUDGE[1] * cellM;
  const coord = (i: number) => -SCENE_EXTENT_M + i * cellM;
  for (let t = 0; t < indices.length; t += 3) {
    const [i0, i1, i2] = [3 * indices[t]!, 3 * indices[t + 1]!, 3 * indices[t + 2]!];
    const u0 = p[i0 + ua]!, u1 = p[i1 + ua]!, u2 = p[i2 + ua]!;
    const v0 = p[i0 + va]!, v1 = p[i1 + va]!, v2 = p[i2 + va]!;
    const area = (u1 - u0) * (v2 - v0) - (u2 - u0) * (v1 - v0);
    if (area === 0) continue; // edge-on to these rays: they cross its neighbours instead
    const aLo = Math.max(0, Math.ceil((Math.min(u0, u1, u2) - nudgeU + SCENE_EXTENT_M) / cellM));
    const aHi = Math.min(n - 1, Math.floor((Math.max(u0, u1, u2) - nudgeU + SCENE_EXTENT_M) / cellM));
    const bLo = Math.max(0, Math.ceil((Math.min(v0, v1, v2) - nudgeV + SCENE_EXTENT_M) / cellM));
    const bHi = Math.min(n - 1, Math.floor((Math.max(v0, v1, v2) - nudgeV + SCENE_EXTENT_M) / cellM));
    for (let b = bLo; b <= bHi; b++) {
      const v = coord(b) + nudgeV;
      for (let a = aLo; a <= aHi; a++) {
        const u = coord(a) + nudgeU;
        // Barycentric weights of (u, v) in the projected triangle; inside when all share the area's sign.
        const w1 = ((u - u0) * (v2 - v0) - (u2 - u0) * (v - v0)) / area;
        const w2 = ((u1 - u0) * (v - v0) - (u - u0) * (v1 - v0)) / area;
        const w0 = 1 - w1 - w2;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        lines[b * n + a]!.push(w0 * p[i0 + axis]! + w1 * p[i1 + axis]! + w2 * p[i2 + axis]!);
      }
    }
  }
  return lines.map((l) => Float64Array.from(l).sort());
}

/** How many of the sorted values are below x. */
function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A starting SDF from a closed mesh (a mesh snapshot a branch starts from), at the tet grid's vertices. Inside is
 * decided by ray parity along each axis (the majority of the three, so one ray grazing the surface cannot flip a
 * vertex); the magnitude is the distance to the nearest crossing along those three rays — never less than the true
 * distance: exact for a plane facing an axis, at most √3× for a plane at any angle (the best of three axes), a little
 * more near a curved surface (≤ 2× within a cell of a sphere, tested) — truncated at TRUNCATION_CELLS cells. Marching
 * interpolates the zero crossing on each edge between two such values, so the surface lands within a fraction of a
 * cell of the mesh. The shell is held outside.
 */
export function sdfFromMesh(mesh: ClosedMesh, grid: TetGrid): Float32Array {
  const n = grid.resolution + 1;
  const cellM = grid.cellM;
  const crossings = [0, 1, 2].map((axis) => axisCrossings(mesh, axis, n, cellM));
  const truncation = TRUNCATION_CELLS * cellM;
  const p = grid.positions;
  const sdf = new Float32Array(p.length / 3);
  const index = (x: number) => Math.round((x + SCENE_EXTENT_M) / cellM);
  for (let vtx = 0; vtx < sdf.length; vtx++) {
    const ijk = [index(p[3 * vtx]!), index(p[3 * vtx + 1]!), index(p[3 * vtx + 2]!)];
    let insideVotes = 0;
    let distance = truncation;
    for (let axis = 0; axis < 3; axis++) {
      const line = crossings[axis]![ijk[(axis + 2) % 3]! * n + ijk[(axis + 1) % 3]!]!;
      const x = p[3 * vtx + axis]!;
      const below = countBelow(line, x);
      if (below % 2 === 1) insideVotes++;
      if (below > 0) distance = Math.min(distance, x - line[below - 1]!);
      if (below < line.length) distance = Math.min(distance, line[below]! - x);
    }
    sdf[vtx] = insideVotes >= 2 ? -distance : distance;
  }
  holdShellOutside(grid, sdf);
  return sdf;
}
