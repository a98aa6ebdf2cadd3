import { z } from 'zod';
import type { Rng } from '../../random/rng';

/**
 * Timestep ranges are user-facing fractions of T (docs/conventions.md); code works in integer timesteps 0..T−1.
 * `tRange` is sampled uniformly; the upper bound may warm up from `warmupFrom` to its value (ISM/LucidDreamer).
 */
export const TimestepRange = z.object({
  tRange: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.02, 0.98]),
  /** Upper bound at iteration 0 when warming up (fraction of T); null = no warm-up. */
  warmupFrom: z.number().min(0).max(1).nullable().default(null),
  warmupIterations: z.number().int().min(0).default(0),
});
export type TimestepRange = z.infer<typeof TimestepRange>;

export function toStep(fraction: number, T: number): number {
  return Math.min(T - 1, Math.max(0, Math.round(fraction * T)));
}

/** The [lo, hi] integer range at an iteration, with the upper bound's warm-up applied. */
export function timestepBounds(s: TimestepRange, iteration: number, T: number): [number, number] {
  let hi = s.tRange[1];
  if (s.warmupFrom !== null && s.warmupIterations > 0) {
    const f = Math.min(1, iteration / s.warmupIterations);
    hi = s.warmupFrom + (s.tRange[1] - s.warmupFrom) * f;
  }
  const lo = toStep(s.tRange[0], T);
  return [lo, Math.max(lo, toStep(hi, T))];
}

export function sampleTimestep(s: TimestepRange, iteration: number, T: number, rng: Rng): number {
  const [lo, hi] = timestepBounds(s, iteration, T);
  return rng.int(lo, hi);
}

/** A linearly annealed global timestep (SDI): t_max → t_min over the run. */
export function linearAnneal(tMax: number, tMin: number, iteration: number, total: number, T: number): number {
  const f = Math.min(1, iteration / Math.max(1, total));
  return toStep(tMax - (tMax - tMin) * f, T);
}

/**
 * DTC123's annealed time-step curriculum (docs/dtc123.md; the paper's Eq. 2): a staircase midpoint
 * t_mid = t_max − (t_max − t_min)·log_b(1 + ⌊k/l⌋·l/N) and t ~ U[t_mid − Δ, t_mid + Δ] with a window half-width Δ
 * that narrows over the run. The paper gives the formula but neither l, Δ nor the log base; each default below says
 * where it comes from.
 */
export const DtcCurriculum = z.object({
  /** The ends of "the entire diffusion time-step range" (paper); 0.98/0.02 as threestudio's SDS ranges. */
  tMax: z.number().min(0).max(1).default(0.98),
  tMin: z.number().min(0).max(1).default(0.02),
  /** Staircase step length l in iterations (unstated; 100 makes 30 stairs of the paper's 3000-iteration stage). */
  stepLength: z.number().int().positive().default(100),
  /**
   * Base b of the log (unstated). Base 2 makes log_b(1 + k/N) run from 0 to 1, so t_mid spans [t_min, t_max] exactly;
   * base e (a bare `log` in PyTorch) stops at t_max − 0.69·(t_max − t_min), about 0.31 with the defaults.
   */
  logBase: z.number().gt(1).default(2),
  /** Half-width Δ at the start and at the end of the run, linear in between (unstated; the paper: it "narrows"). */
  windowStart: z.number().min(0).max(1).default(0.2),
  windowEnd: z.number().min(0).max(1).default(0.02),
});
export type DtcCurriculum = z.infer<typeof DtcCurriculum>;

/** t_mid at iteration k of N, as a fraction of T (clamped at t_min for k ≥ N and for bases below 2). */
export function dtcMidpoint(s: DtcCurriculum, iteration: number, total: number): number {
  const stair = Math.floor(iteration / s.stepLength) * s.stepLength;
  const progress = Math.log(1 + stair / Math.max(1, total)) / Math.log(s.logBase);
  return s.tMax - (s.tMax - s.tMin) * Math.min(1, progress);
}

/** The window half-width Δ at iteration k of N (a fraction of T). */
export function dtcWindow(s: DtcCurriculum, iteration: number, total: number): number {
  const f = Math.min(1, iteration / Math.max(1, total));
  return s.windowStart + (s.windowEnd - s.windowStart) * f;
}

/** The integer [lo, hi] range t is drawn from: [t_mid − Δ, t_mid + Δ] kept inside [t_min, t_max]. */
export function dtcBounds(s: DtcCurriculum, iteration: number, total: number, T: number): [number, number] {
  const mid = dtcMidpoint(s, iteration, total);
  const half = dtcWindow(s, iteration, total);
  const lo = toStep(Math.max(s.tMin, mid - half), T);
  return [lo, Math.max(lo, toStep(Math.min(s.tMax, mid + half), T))];
}

export function sampleDtcTimestep(s: DtcCurriculum, iteration: number, total: number, T: number, rng: Rng): number {
  const [lo, hi] = dtcBounds(s, iteration, total, T);
  return rng.int(lo, hi);
}
