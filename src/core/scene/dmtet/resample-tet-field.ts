import { SCENE_EXTENT_M } from '../gaussians/gaussian-model';
import { holdShellOutside, SHELL_SDF } from './initialise-from-density';
import { maxOffsetM, type TetField } from './tet-deformation';
import type { TetGrid } from './tet-grid';

/** Raw deformations are kept this far inside tanh's range, so atanh stays finite and the offset trainable. */
const MAX_TANH = 0.95;

/**
 * Carries a field from a coarser grid to a finer one when the stage raises the grid resolution (DTC123: 32 → 64 →
 * 128). The SDF and the vertex offsets Δv are interpolated piecewise-linearly over the coarse Kuhn tetrahedra, which
 * is exactly the function marching tetrahedra contours: the finer Kuhn lattice refines the coarser one, so without
 * deformations the new surface is the old one, only with more vertices. Offsets become raw deformations under the
 * finer grid's (smaller) bound, clipped to it. Coarse vertices trimmed away count as outside (SHELL_SDF, no offset).
 */
export function resampleTetField(from: TetGrid, field: TetField, to: TetGrid): TetField {
  const n = from.resolution + 1;
  const h = from.cellM;
  const lattice = new Int32Array(n * n * n).fill(-1);
  const index = (x: number) => Math.round((x + SCENE_EXTENT_M) / h);
  for (let v = 0; v < from.positions.length / 3; v++)
    lattice[(index(from.positions[3 * v + 2]!) * n + index(from.positions[3 * v + 1]!)) * n + index(from.positions[3 * v]!)] = v;
  const fromBound = maxOffsetM(from, field);
  const toBound = field.deformationScale * to.cellM;
  const vertices = to.positions.length / 3;
  const sdf = new Float32Array(vertices);
  const deformation = new Float32Array(3 * vertices);
  const corners = new Int32Array(4), weights = new Float64Array(4);
  const frac = new Float64Array(3);
  const base = new Int32Array(3);
  for (let v = 0; v < vertices; v++) {
    for (let a = 0; a < 3; a++) {
      const u = (to.positions[3 * v + a]! + SCENE_EXTENT_M) / h;
      base[a] = Math.min(n - 2, Math.max(0, Math.floor(u)));
      frac[a] = Math.min(1, Math.max(0, u - base[a]!));
    }
    // The Kuhn tetrahedron holding the point: walk the axes in order of falling fraction.
    const order = [0, 1, 2].sort((p, q) => frac[q]! - frac[p]!);
    let node = (base[2]! * n + base[1]!) * n + base[0]!;
    const stride = [1, n, n * n];
    corners[0] = lattice[node]!;
    weights[0] = 1 - frac[order[0]!]!;
    for (let k = 0; k < 3; k++) {
      node += stride[order[k]!]!;
      corners[k + 1] = lattice[node]!;
      weights[k + 1] = frac[order[k]!]! - (k < 2 ? frac[order[k + 1]!]! : 0);
    }
    let s = 0;
    const offset = [0, 0, 0];
    for (let c = 0; c < 4; c++) {
      const w = weights[c]!, id = corners[c]!;
      if (id < 0) {
        s += w * SHELL_SDF;
        continue;
      }
      s += w * field.sdf[id]!;
      for (let a = 0; a < 3; a++) offset[a]! += w * fromBound * Math.tanh(field.deformation[3 * id + a]!);
    }
    sdf[v] = s;
    for (let a = 0; a < 3; a++) deformation[3 * v + a] = Math.atanh(Math.min(MAX_TANH, Math.max(-MAX_TANH, offset[a]! / toBound)));
  }
  holdShellOutside(to, sdf);
  return { sdf, deformation, deformationScale: field.deformationScale };
}
