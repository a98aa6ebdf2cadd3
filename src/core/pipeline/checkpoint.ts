import type { RngState } from '../random/rng';
import { groupWidths, PARAM_GROUPS, type GaussianArrays, type ParamGroup } from '../scene/gaussians/gaussian-layout';
import type { GaussianModelState } from '../scene/gaussians/gaussian-model';
import { decodeBundle, encodeBundle } from '../store/binary-bundle';

/** What resuming a run at a snapshot needs beyond its configuration. */
export interface Checkpoint {
  /** Iterations completed. */
  iteration: number;
  model: GaussianModelState;
  /** The loop's RNG (cameras, timesteps, noise). */
  loopRng: RngState;
  methodState: unknown;
  /** Optimisation time so far (for iterations/s and ETA after a resume). */
  elapsedMs: number;
}

const SETS = ['params', 'm', 'v'] as const;

interface CheckpointMeta {
  iteration: number;
  count: number;
  shDegreeMax: number;
  steps: Record<ParamGroup, number>;
  shDegree: number;
  openedOpacityReset: boolean;
  modelRng: RngState;
  loopRng: RngState;
  methodState: unknown;
  elapsedMs: number;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array[] {
  const m = c.model;
  const arrays: Record<string, Float32Array> = {};
  for (const set of SETS) for (const group of PARAM_GROUPS) arrays[`${set}.${group}`] = m[set][group];
  arrays.gradAccum = m.gradAccum;
  arrays.gradViews = m.gradViews;
  arrays.maxRadius = m.maxRadius;
  const meta: CheckpointMeta = {
    iteration: c.iteration,
    count: m.params.count,
    shDegreeMax: m.params.shDegreeMax,
    steps: m.steps,
    shDegree: m.shDegree,
    openedOpacityReset: m.openedOpacityReset,
    modelRng: m.rng,
    loopRng: c.loopRng,
    methodState: c.methodState ?? null,
    elapsedMs: c.elapsedMs,
  };
  return encodeBundle(meta, arrays);
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { meta, arrays } = decodeBundle(bytes);
  const k = meta as CheckpointMeta;
  const widths = groupWidths(k.shDegreeMax);
  const take = (name: string, width: number) => {
    const a = arrays[name];
    if (!a || a.length !== width * k.count) throw new Error(`checkpoint array ${name} has the wrong size`);
    return a;
  };
  const set = (prefix: string): GaussianArrays => {
    const g = { count: k.count, shDegreeMax: k.shDegreeMax } as GaussianArrays;
    for (const group of PARAM_GROUPS) g[group] = take(`${prefix}.${group}`, widths[group]);
    return g;
  };
  return {
    iteration: k.iteration,
    model: {
      params: set('params'),
      m: set('m'),
      v: set('v'),
      steps: k.steps,
      gradAccum: take('gradAccum', 1),
      gradViews: take('gradViews', 1),
      maxRadius: take('maxRadius', 1),
      shDegree: k.shDegree,
      openedOpacityReset: k.openedOpacityReset,
      rng: k.modelRng,
    },
    loopRng: k.loopRng,
    methodState: k.methodState,
    elapsedMs: k.elapsedMs,
  };
}
