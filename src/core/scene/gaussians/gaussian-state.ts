import type { RngState } from '../../random/rng';
import { groupWidths, PARAM_GROUPS, type GaussianArrays, type ParamGroup } from '../../../shared/gaussians/gaussian-layout';
import type { RepresentationState } from '../representation';
import type { GaussianModelState } from './gaussian-model';

const SETS = ['params', 'm', 'v'] as const;

/** The JSON half of a Gaussian model's checkpoint; the arrays are `params.*`, `m.*`, `v.*` and the statistics. */
export interface GaussianStateMeta {
  count: number;
  shDegreeMax: number;
  steps: Record<ParamGroup, number>;
  shDegree: number;
  openedOpacityReset: boolean;
  rng: RngState;
}

export function gaussianStateToRecord(m: GaussianModelState): RepresentationState {
  const arrays: Record<string, Float32Array> = {};
  for (const set of SETS) for (const group of PARAM_GROUPS) arrays[`${set}.${group}`] = m[set][group];
  arrays.gradAccum = m.gradAccum;
  arrays.gradViews = m.gradViews;
  arrays.maxRadius = m.maxRadius;
  const meta: GaussianStateMeta = {
    count: m.params.count,
    shDegreeMax: m.params.shDegreeMax,
    steps: m.steps,
    shDegree: m.shDegree,
    openedOpacityReset: m.openedOpacityReset,
    rng: m.rng,
  };
  return { meta: meta as unknown as Record<string, unknown>, arrays };
}

/** The model state a checkpoint holds; a missing or mis-sized array is a corrupt checkpoint (programmer error). */
export function gaussianStateFromRecord(state: RepresentationState): GaussianModelState {
  const k = state.meta as unknown as GaussianStateMeta;
  const widths = groupWidths(k.shDegreeMax);
  const take = (name: string, width: number) => {
    const a = state.arrays[name];
    if (!a || a.length !== width * k.count) throw new Error(`checkpoint array ${name} has the wrong size`);
    return a;
  };
  const set = (prefix: string): GaussianArrays => {
    const g = { count: k.count, shDegreeMax: k.shDegreeMax } as GaussianArrays;
    for (const group of PARAM_GROUPS) g[group] = take(`${prefix}.${group}`, widths[group]);
    return g;
  };
  return {
    params: set('params'),
    m: set('m'),
    v: set('v'),
    steps: k.steps,
    gradAccum: take('gradAccum', 1),
    gradViews: take('gradViews', 1),
    maxRadius: take('maxRadius', 1),
    shDegree: k.shDegree,
    openedOpacityReset: k.openedOpacityReset,
    rng: k.rng,
  };
}
