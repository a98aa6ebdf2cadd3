import { PARAM_GROUPS, type GaussianArrays, type ParamGroup } from '../../shared/gaussians/gaussian-layout';

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
  /** One step for all parameters, or one per group (positions move alpha cut-offs more than the rest do). */
  step: number | Record<ParamGroup, number>,
  floorFraction = 1e-3,
  /** Also difference at 2·step and skip parameters where the two disagree (the loss is not smooth there). */
  detectDiscontinuities = false,
): GradCheckResult {
  const numeric: Record<string, Float64Array> = {};
  const wideNumeric: Record<string, Float64Array> = {};
  let largest = 0;
  for (const group of PARAM_GROUPS) {
    const values = params[group];
    const h = typeof step === 'number' ? step : step[group];
    const difference = (k: number, h: number) => {
      const original = values[k]!;
      values[k] = original + h;
      const plus = loss();
      values[k] = original - h;
      const minus = loss();
      values[k] = original;
      return (plus - minus) / (2 * h);
    };
    const out = new Float64Array(values.length);
    const wide = new Float64Array(values.length);
    for (let k = 0; k < values.length; k++) {
      out[k] = difference(k, h);
      if (detectDiscontinuities) wide[k] = difference(k, 2 * h);
    }
    numeric[group] = out;
    wideNumeric[group] = wide;
  }
  // The scale of the scene's gradients, from parameters whose two differences agree.
  for (const group of PARAM_GROUPS) {
    const n = numeric[group]!;
    const w = wideNumeric[group]!;
    for (let k = 0; k < n.length; k++) {
      if (!detectDiscontinuities || Math.abs(w[k]! - n[k]!) <= 0.05 * Math.max(Math.abs(w[k]!), Math.abs(n[k]!))) {
        largest = Math.max(largest, Math.abs(n[k]!));
      }
    }
  }
  const floor = floorFraction * largest;
  const result: GradCheckResult = { checked: 0, discontinuous: 0, maxRelError: 0, worst: null, byGroup: {} };
  for (const group of PARAM_GROUPS) {
    let groupMax = 0;
    const a = analytic[group];
    const n = numeric[group]!;
    for (let k = 0; k < n.length; k++) {
      const w = wideNumeric[group]![k]!;
      if (detectDiscontinuities && Math.abs(w - n[k]!) > 0.05 * Math.max(Math.abs(w), Math.abs(n[k]!), floor)) {
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
