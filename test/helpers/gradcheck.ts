import { PARAM_GROUPS, type GaussianArrays, type ParamGroup } from '../../src/core/scene/gaussians/gaussian-layout';

export interface GradCheckResult {
  checked: number;
  /** Parameters skipped because the loss jumps within the step (a tile or alpha cut-off is crossed). */
  discontinuous: number;
  maxRelError: number;
  worst: { group: ParamGroup; index: number; analytic: number; numeric: number } | null;
  /** Per group: the largest relative error. */
  byGroup: Record<string, number>;
}

/**
 * Central finite differences of `loss` for every scalar parameter, compared with `analytic`, parameter by
 * parameter. Relative error is |a − n| / max(|a|, |n|, floor), where floor = floorFraction × the largest |n| of the
 * scene, so gradients that are zero up to rounding do not dominate.
 */
export function gradCheck(
  params: GaussianArrays<Float64Array> | GaussianArrays,
  analytic: GaussianArrays<Float64Array> | GaussianArrays<Float32Array>,
  loss: () => number,
  step: number,
  floorFraction = 1e-3,
  /** Also difference at 2·step and skip parameters where the two disagree (the loss is not smooth there). */
  detectDiscontinuities = false,
): GradCheckResult {
  const numeric: Record<string, Float64Array> = {};
  const smooth: Record<string, Uint8Array> = {};
  let largest = 0;
  for (const group of PARAM_GROUPS) {
    const values = params[group];
    const out = new Float64Array(values.length);
    const ok = new Uint8Array(values.length).fill(1);
    const difference = (k: number, h: number) => {
      const original = values[k]!;
      values[k] = original + h;
      const plus = loss();
      values[k] = original - h;
      const minus = loss();
      values[k] = original;
      return (plus - minus) / (2 * h);
    };
    for (let k = 0; k < values.length; k++) {
      out[k] = difference(k, step);
      if (detectDiscontinuities) {
        const wide = difference(k, 2 * step);
        if (Math.abs(wide - out[k]!) > 0.05 * Math.max(Math.abs(wide), Math.abs(out[k]!), 1e-9)) ok[k] = 0;
      }
      if (ok[k]) largest = Math.max(largest, Math.abs(out[k]!));
    }
    numeric[group] = out;
    smooth[group] = ok;
  }
  const floor = floorFraction * largest;
  const result: GradCheckResult = { checked: 0, discontinuous: 0, maxRelError: 0, worst: null, byGroup: {} };
  for (const group of PARAM_GROUPS) {
    let groupMax = 0;
    const a = analytic[group];
    const n = numeric[group]!;
    for (let k = 0; k < n.length; k++) {
      if (!smooth[group]![k]) {
        result.discontinuous++;
        continue;
      }
      const rel = Math.abs(a[k]! - n[k]!) / Math.max(Math.abs(a[k]!), Math.abs(n[k]!), floor, 1e-300);
      result.checked++;
      groupMax = Math.max(groupMax, rel);
      if (rel > result.maxRelError) {
        result.maxRelError = rel;
        result.worst = { group, index: k, analytic: a[k]!, numeric: n[k]! };
      }
    }
    result.byGroup[group] = groupMax;
  }
  return result;
}
