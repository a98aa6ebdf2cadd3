import type { RngState } from '../random/rng';
import type { RepresentationState } from '../scene/representation';
import { decodeBundle, encodeBundle } from '../store/binary-bundle';

/** What resuming a run at a snapshot needs beyond its configuration. */
export interface Checkpoint {
  /** The stage it was taken in (index into the config's stages). */
  stage: number;
  /** Iterations of the run completed (over all stages). */
  iteration: number;
  representation: RepresentationState;
  /** The loop's RNG (cameras, timesteps, noise). */
  loopRng: RngState;
  methodState: unknown;
  /** Optimisation time so far (for iterations/s and ETA after a resume). */
  elapsedMs: number;
}

const FORMAT = 2;

interface CheckpointMeta {
  format: typeof FORMAT;
  stage: number;
  iteration: number;
  representation: Record<string, unknown>;
  loopRng: RngState;
  methodState: unknown;
  elapsedMs: number;
}

/** Format 1 (before runs were stages): a Gaussian model's fields at the top level, the only stage implied. */
interface LegacyMeta {
  iteration: number;
  count: number;
  shDegreeMax: number;
  steps: Record<string, number>;
  shDegree: number;
  openedOpacityReset: boolean;
  modelRng: RngState;
  loopRng: RngState;
  methodState: unknown;
  elapsedMs: number;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array[] {
  const meta: CheckpointMeta = {
    format: FORMAT,
    stage: c.stage,
    iteration: c.iteration,
    representation: c.representation.meta,
    loopRng: c.loopRng,
    methodState: c.methodState ?? null,
    elapsedMs: c.elapsedMs,
  };
  return encodeBundle(meta, c.representation.arrays);
}

/** Reads checkpoints of both formats; a format-1 one (an older home's paused run) resumes as stage 0. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { meta, arrays } = decodeBundle(bytes);
  const m = meta as Partial<CheckpointMeta>;
  if (m.format === FORMAT) {
    const k = meta as CheckpointMeta;
    return { stage: k.stage, iteration: k.iteration, representation: { meta: k.representation, arrays }, loopRng: k.loopRng, methodState: k.methodState, elapsedMs: k.elapsedMs };
  }
  if (m.format !== undefined) throw new Error(`checkpoint format ${String(m.format)} is newer than this Kiln reads`);
  const k = meta as LegacyMeta;
  const representation = { count: k.count, shDegreeMax: k.shDegreeMax, steps: k.steps, shDegree: k.shDegree, openedOpacityReset: k.openedOpacityReset, rng: k.modelRng };
  return { stage: 0, iteration: k.iteration, representation: { meta: representation, arrays }, loopRng: k.loopRng, methodState: k.methodState, elapsedMs: k.elapsedMs };
}
