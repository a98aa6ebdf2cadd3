import { ddimMove } from '../../diffusion/ddim';
import type { Conditioning, Guidance, PerImage, Prior } from '../../diffusion/prior';
import type { Rng } from '../../random/rng';

/**
 * Ascending timesteps `from`, `from + stride`, `from + 2·stride`, … (rounded) strictly below `to`, then `to`:
 * LucidDreamer's inversion grid (`min(cur + δ_S, s)`), and SDI's when started at the clean end −1.
 */
export function stridePath(from: number, to: number, stride: number): number[] {
  if (!(stride > 0)) throw new Error('stridePath: stride must be positive');
  if (to < from) throw new Error(`stridePath: ${to} is below ${from}; inversion runs toward noise`);
  const path = [from];
  for (let k = 1; ; k++) {
    const t = Math.round(from + k * stride);
    if (t >= to) break;
    path.push(t);
  }
  if (to !== from) path.push(to);
  return path;
}

export interface InversionOptions {
  /**
   * Stochastic inversion (SDI's code): after each deterministic move q → p, add η·σ·z with σ the DDPM posterior std
   * between the two levels, √((1−ᾱ_q)/(1−ᾱ_p))·√(1−ᾱ_p/ᾱ_q). 0 is plain DDIM inversion.
   */
  eta?: number;
  rng?: Rng;
}

/**
 * DDIM inversion of `x` along an ascending `path` (−1 = the clean end), each move using ε̂ at its current, lower
 * timestep (docs/methods.md §0). Unlike prior.ddim the path is given exactly and inversion may be stochastic. One UNet
 * call per move (all guidance rows are batched by predictNoise).
 */
export async function invertAlong(
  prior: Prior,
  x: Float32Array,
  path: readonly number[],
  cond: PerImage<Conditioning>,
  guidance: PerImage<Guidance>,
  options: InversionOptions = {},
): Promise<{ x: Float32Array; calls: number }> {
  const eta = options.eta ?? 0;
  if (eta > 0 && !options.rng) throw new Error('invertAlong: η > 0 needs the run RNG');
  let current = x;
  let calls = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    const q = path[i]!;
    const p = path[i + 1]!;
    if (p <= q) throw new Error(`invertAlong: path must ascend (${q} → ${p})`);
    const eps = await prior.predictNoise(current, Math.max(q, 0), cond, guidance);
    calls++;
    const alphaQ = prior.schedule.alphaBar(q);
    const alphaP = prior.schedule.alphaBar(p);
    current = ddimMove(current, eps, alphaQ, alphaP);
    if (eta > 0) {
      const sigma = eta * Math.sqrt(((1 - alphaQ) / (1 - alphaP)) * (1 - alphaP / alphaQ));
      if (sigma > 0) for (let k = 0; k < current.length; k++) current[k]! += sigma * options.rng!.normal();
    }
  }
  return { x: current, calls };
}

/** The noise that takes x₀ to x_t in one forward step: ε = (x_t − √ᾱ_t·x₀)/√(1 − ᾱ_t) (the inverse of addNoise). */
export function recoverNoise(x0: Float32Array, xt: Float32Array, alphaBar: number): Float32Array {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  return xt.map((v, k) => (v - a * x0[k]!) / s);
}
