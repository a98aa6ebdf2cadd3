import type { Rng } from '../random/rng';

export interface DdimMoveOptions {
  /** DDIM's η: 0 is the deterministic move; > 0 adds fresh noise when denoising and needs `rng`. */
  eta?: number;
  rng?: Rng;
}

/**
 * One DDIM move from ᾱ_q to ᾱ_p given ε̂ = ε(x_q, q) (docs/methods.md §0): p below q denoises, p above q inverts.
 * x_p = √ᾱ_p·x̂₀ + √(1−ᾱ_p−σ²)·ε̂ + σ·z, with σ = η·√((1−ᾱ_p)/(1−ᾱ_q))·√(1−ᾱ_q/ᾱ_p) only when denoising.
 */
export function ddimMove(xq: Float32Array, eps: Float32Array, alphaQ: number, alphaP: number, options: DdimMoveOptions = {}): Float32Array {
  if (xq.length !== eps.length) throw new Error(`ddimMove: x has ${xq.length} values, ε ${eps.length}`);
  const eta = options.eta ?? 0;
  const denoising = alphaP > alphaQ;
  const sigma = eta > 0 && denoising ? eta * Math.sqrt((1 - alphaP) / (1 - alphaQ)) * Math.sqrt(1 - alphaQ / alphaP) : 0;
  if (sigma > 0 && !options.rng) throw new Error('ddimMove: η > 0 needs the run RNG');
  const sqrtQ = Math.sqrt(alphaQ);
  const sqrtOneMinusQ = Math.sqrt(1 - alphaQ);
  const sqrtP = Math.sqrt(alphaP);
  const dirScale = Math.sqrt(Math.max(0, 1 - alphaP - sigma * sigma));
  const out = new Float32Array(xq.length);
  for (let i = 0; i < xq.length; i++) {
    const e = eps[i]!;
    const x0 = (xq[i]! - sqrtOneMinusQ * e) / sqrtQ;
    out[i] = sqrtP * x0 + dirScale * e + (sigma > 0 ? sigma * options.rng!.normal() : 0);
  }
  return out;
}

/** `count` timesteps from `from` to `to` inclusive, evenly spaced and rounded (either direction). */
export function ddimPath(from: number, to: number, moves: number): number[] {
  if (!Number.isInteger(moves) || moves < 1) throw new Error('ddimPath: moves must be a positive integer');
  const path = [from];
  for (let k = 1; k <= moves; k++) {
    const t = Math.round(from + ((to - from) * k) / moves);
    if (t !== path[path.length - 1]) path.push(t);
  }
  return path;
}
