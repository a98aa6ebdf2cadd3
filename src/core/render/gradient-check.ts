import { PARAM_GROUPS, type ParamGroup } from '../../shared/gaussians/gaussian-layout';

export interface GradCheckResult<G extends string = ParamGroup> {
  checked: number;
  /** Parameters skipped because the loss jumps within the step (a tile or alpha cut-off is crossed). */
  discontinuous: number;
  maxRelError: number;
  worst: { group: G; index: number; analytic: number; numeric: number } | null;
  /** Per group: the largest relative error. */
  byGroup: Record<string, number>;
  /** Per group and parameter: the relative error (NaN where skipped as discontinuous). */
  relErrors: Record<string, Float64Array>;
}

/** (loss(x + h) − loss(x − h)) / 2h for the parameter values[k], which is restored afterwards. */
export function centralDifference(values: Float32Array | Float64Array, k: number, h: number, loss: () => number): number {
  const original = values[k]!;
  values[k] = original + h;
  const plus = loss();
  values[k] = original - h;
  const minus = loss();
  values[k] = original;
  return (plus - minus) / (2 * h);
}

/** Parameter arrays by group name; finite differences write into them in place. */
export type ParamArrays<G extends string> = Record<G, Float32Array | Float64Array>;

/**
 * Central finite differences of `loss` for every scalar parameter, compared with `analytic`, parameter by
 * parameter. Relative error is |a − n| / max(|a|, |n|, floor), where floor = floorFraction × the largest |n| of the
 * scene, so gradients that are zero up to rounding do not dominate. `groups` names the arrays to check (the
 * Gaussian parameter groups unless given).
 */
export function gradCheck<G extends string = ParamGroup>(
  params: ParamArrays<NoInfer<G>>,
  analytic: Record<NoInfer<G>, ArrayLike<number>>,
  loss: () => number,
  /** One step for all parameters, or one per group (positions move alpha cut-offs more than the rest do). */
  step: number | Record<NoInfer<G>, number>,
  floorFraction = 1e-3,
  /** Also difference at 2·step and skip parameters where the two disagree (the loss is not smooth there). */
  detectDiscontinuities = false,
  groups: readonly G[] = PARAM_GROUPS as readonly string[] as readonly G[],
): GradCheckResult<G> {
  const numeric: Record<string, Float64Array> = {};
  const wideNumeric: Record<string, Float64Array> = {};
  let largest = 0;
  for (const group of groups) {
    const values = params[group];
    const h = typeof step === 'number' ? step : step[group];
    const difference = (k: number, h: number) => centralDifference(values, k, h, loss);
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
  for (const group of groups) {
    const n = numeric[group]!;
    const w = wideNumeric[group]!;
    for (let k = 0; k < n.length; k++) {
      if (!detectDiscontinuities || Math.abs(w[k]! - n[k]!) <= 0.05 * Math.max(Math.abs(w[k]!), Math.abs(n[k]!))) {
        largest = Math.max(largest, Math.abs(n[k]!));
      }
    }
  }
  const floor = floorFraction * largest;
  const result: GradCheckResult<G> = { checked: 0, discontinuous: 0, maxRelError: 0, worst: null, byGroup: {}, relErrors: {} };
  for (const group of groups) {
    let groupMax = 0;
    const a = analytic[group];
    const n = numeric[group]!;
    const errors = new Float64Array(n.length).fill(Number.NaN);
    result.relErrors[group] = errors;
    for (let k = 0; k < n.length; k++) {
      const w = wideNumeric[group]![k]!;
      if (detectDiscontinuities && Math.abs(w - n[k]!) > 0.05 * Math.max(Math.abs(w), Math.abs(n[k]!), floor)) {
        result.discontinuous++;
        continue;
      }
      const rel = Math.abs(a[k]! - n[k]!) / Math.max(Math.abs(a[k]!), Math.abs(n[k]!), floor, 1e-300);
      errors[k] = rel;
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
