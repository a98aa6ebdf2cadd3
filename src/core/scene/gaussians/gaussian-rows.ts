import { groupWidths, PARAM_GROUPS, type GaussianArrays } from '../../../shared/gaussians/gaussian-layout';

/** A new set of arrays holding rows `rows` of `g`, in that order (rows may repeat). */
export function gatherRows(g: GaussianArrays, rows: ArrayLike<number>): GaussianArrays {
  const widths = groupWidths(g.shDegreeMax);
  const out = { count: rows.length, shDegreeMax: g.shDegreeMax } as GaussianArrays;
  for (const group of PARAM_GROUPS) {
    const w = widths[group];
    const src = g[group];
    const dst = new Float32Array(rows.length * w);
    for (let r = 0; r < rows.length; r++) dst.set(src.subarray(rows[r]! * w, rows[r]! * w + w), r * w);
    out[group] = dst;
  }
  return out;
}

/** Gathers rows of a per-Gaussian array of `width` floats. */
export function gatherFloats(src: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const dst = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) dst.set(src.subarray(rows[r]! * width, rows[r]! * width + width), r * width);
  return dst;
}
