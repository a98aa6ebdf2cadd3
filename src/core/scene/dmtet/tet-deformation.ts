import type { TetGrid } from './tet-grid';

/**
 * The trainable per-vertex state of a DMTet grid: signed distance s_i (inside the object where s ≤ 0) and the raw
 * deformation δ_i (3 per vertex), whose offset is bounded: Δv_i = c·cell·tanh(δ_i), c = `deformationScale`.
 */
export interface TetField {
  sdf: Float32Array;
  deformation: Float32Array;
  deformationScale: number;
}

/** A zero deformation and the given SDF. */
export function createTetField(grid: TetGrid, sdf: Float32Array, deformationScale: number): TetField {
  if (sdf.length !== grid.positions.length / 3) throw new Error(`SDF has ${sdf.length} values for ${grid.positions.length / 3} grid vertices`);
  return { sdf, deformation: new Float32Array(grid.positions.length), deformationScale };
}

/** Largest offset of a vertex along each axis (metres). */
export const maxOffsetM = (grid: TetGrid, field: TetField): number => field.deformationScale * grid.cellM;

/** Writes the deformed position of vertex v into out[o … o + 2]. */
export function deformedVertex(grid: TetGrid, field: TetField, v: number, out: Float64Array, o = 0): void {
  const bound = maxOffsetM(grid, field);
  for (let a = 0; a < 3; a++) out[o + a] = grid.positions[3 * v + a]! + bound * Math.tanh(field.deformation[3 * v + a]!);
}

/** Every deformed vertex position (for drawing the grid or exporting it). */
export function deformedPositions(grid: TetGrid, field: TetField): Float32Array {
  const out = new Float32Array(grid.positions.length);
  const bound = maxOffsetM(grid, field);
  for (let k = 0; k < out.length; k++) out[k] = grid.positions[k]! + bound * Math.tanh(field.deformation[k]!);
  return out;
}

/** Adds dL/dδ for vertex v given dL/d(position) (gx, gy, gz): d(Δv)/dδ = c·cell·(1 − tanh²δ). */
export function accumulateDeformationGradient(grid: TetGrid, field: TetField, v: number, gx: number, gy: number, gz: number, dDeformation: Float32Array): void {
  const bound = maxOffsetM(grid, field);
  const tx = Math.tanh(field.deformation[3 * v]!), ty = Math.tanh(field.deformation[3 * v + 1]!), tz = Math.tanh(field.deformation[3 * v + 2]!);
  dDeformation[3 * v]! += gx * bound * (1 - tx * tx);
  dDeformation[3 * v + 1]! += gy * bound * (1 - ty * ty);
  dDeformation[3 * v + 2]! += gz * bound * (1 - tz * tz);
}
