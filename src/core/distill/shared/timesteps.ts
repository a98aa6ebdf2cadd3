import { z } from 'zod';
import type { Rng } from '../../random/rng';

/**
 * Timestep ranges are user-facing fractions of T (CONVENTIONS.md); code works in integer timesteps 0..T−1.
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
 * DTC123's time-step curriculum: a staircase midpoint t_mid = t_max − (t_max − t_min)·log_b(1 + ⌊k/l⌋·l/N) and a
 * window of half-width Δ around it that shrinks linearly from `windowStart` to `windowEnd`. The paper leaves the log
 * base unstated; with base 2 the midpoint spans the whole range over the run, so base is a setting.
 */
export const DtcCurriculum = z.object({
  tMax: z.number().min(0).max(1).default(0.98),
  tMin: z.number().min(0).max(1).default(0.02),
  /** Staircase step length l in iterations. */
  stepLength: z.number().int().positive().default(100),
  logBase: z.number().gt(1).default(2),
  windowStart: z.number().min(0).max(1).default(0.2),
  windowEnd: z.number().min(0).max(1).default(0.02),
});
export type DtcCurriculum = z.infer<typeof DtcCurriculum>;

export function dtcMidpoint(s: DtcCurriculum, iteration: number, total: number): number {
  const stair = Math.floor(iteration / s.stepLength) * s.stepLength;
  const progress = Math.log(1 + stair / Math.max(1, total)) / Math.log(s.logBase);
  return s.tMax - (s.tMax - s.tMin) * Math.min(1, progress);
}

export function sampleDtcTimestep(s: DtcCurriculum, iteration: number, total: number, T: number, rng: Rng): number {
  const mid = dtcMidpoint(s, iteration, total);
  const f = Math.min(1, iteration / Math.max(1, total));
  const half = s.windowStart + (s.windowEnd - s.windowStart) * f;
  const lo = toStep(Math.max(0, mid - half), T);
  const hi = toStep(Math.min(1, mid + half), T);
  return rng.int(lo, Math.max(lo, hi));
}
