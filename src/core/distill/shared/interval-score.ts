import { z } from 'zod';
import { ddimMove } from '../../diffusion/ddim';
import type { Prior } from '../../diffusion/prior';
import type { Rng } from '../../random/rng';
import { invertAlong, stridePath } from './ddim-inversion';
import { firstImageX0, imageCount } from './preview';
import { addNoise, GradientTransport, NO_GUIDANCE, toPriorSpace, unconditional } from './prior-space';
import { sampleTimestep, TimestepRange } from './timesteps';
import type { ViewInfo } from '../guidance';
import type { ViewConditioner } from './view-conditioning';
import { viewPromptSettings } from './view-prompts';
import { weightAt, WeightKind } from './weights';

/** The settings ISM (LucidDreamer) and TSM (DreamerXL, built on LucidDreamer's code) share; defaults are that code's. */
export const IntervalSettings = z.object({
  cfgScale: z.number().default(7.5),
  /**
   * t ~ U[0.02, 0.5]·T. LucidDreamer's code starts the upper bound at 0.98 and brings it down to 0.5 over its first
   * 1500 iterations (`max_step + warmup_step·warm_up_rate`).
   */
  timesteps: TimestepRange.default({ tRange: [0.02, 0.5], warmupFrom: 0.98, warmupIterations: 1500 }),
  /** δ_T = t − s in timesteps, annealed linearly from `start` to `end` (code: 100 → 50 over the same 1500 iterations). */
  intervalSteps: z
    .object({
      start: z.number().int().positive().default(100),
      end: z.number().int().positive().default(50),
      annealIterations: z.number().int().min(0).default(1500),
    })
    .prefault({}),
  /** δ_S: stride of the 0 → s inversion with the unconditional embedding. */
  inversionStride: z.number().int().positive().default(200),
  /** η of the 0 → s inversion (code `xs_eta`). */
  inversionEta: z.number().min(0).default(0),
  /**
   * Code: x₀ is first noised to timestep 0 with the sampled noise (`add_noise(latents, noise, 0)`) and inverted from
   * there. `clean`: Algorithm 1 of the papers, x₀ itself taken as the timestep-0 point (no noise is sampled).
   */
  inversionStart: z.enum(['noised-t0', 'clean']).default('noised-t0'),
  /** Code: the sampled noise gets a per-channel offset noiseOffset·N(0, 1), shared by the batch's images. */
  noiseOffset: z.number().min(0).default(0.1),
  weight: WeightKind.default('sigma-ratio'),
  transport: GradientTransport.default('decode-target'),
  /** View prompts with Perp-Neg, as LucidDreamer's GuidanceParams (perpneg = True) and so DreamerXL's code have them. */
  viewPrompts: viewPromptSettings(true),
});
export type IntervalSettings = z.infer<typeof IntervalSettings>;

/** δ_T at an iteration: code `int(δ_end + warm_up_rate·(δ_start − δ_end))`, warm_up_rate = 1 − min(i/N, 1). */
export function intervalDelta(s: IntervalSettings['intervalSteps'], iteration: number): number {
  const rate = s.annealIterations > 0 ? 1 - Math.min(1, iteration / s.annealIterations) : 0;
  return Math.trunc(s.end + rate * (s.start - s.end));
}

export interface IntervalStep {
  /** The renders in the prior's sample space. */
  z: Float32Array;
  t: number;
  s: number;
  mu: number;
  /** w(t)·(ε̃(x_t, t, y) − ε_∅(x_μ, μ)), a gradient on z. */
  g: Float32Array;
  x0Preview: Float32Array;
  unetCalls: number;
}

/**
 * The interval score ISM and TSM share. x₀ is DDIM-inverted to x_s with ∅ in δ_S strides; the single prediction
 * ε_∅(x_s, s) moves x_s → x_t and, for TSM, x_s → x_μ; the target is ε_∅(x_μ, μ). At μ = s the target is
 * ε_∅(x_s, s) itself (no move, no extra UNet call), so μ = s is ISM by construction, bit for bit.
 */
export async function intervalScore(
  prior: Prior,
  views: ViewConditioner,
  settings: IntervalSettings,
  input: { images: Float32Array; views: readonly ViewInfo[]; iteration: number; rng: Rng },
  muOf: (s: number, t: number) => number,
): Promise<IntervalStep> {
  const { images, iteration, rng } = input;
  const schedule = prior.schedule;
  const z = await toPriorSpace(prior, images);
  const t = sampleTimestep(settings.timesteps, iteration, schedule.trainTimesteps, rng);
  const s = Math.max(t - intervalDelta(settings.intervalSteps, iteration), 0);
  const mu = muOf(s, t);
  if (!Number.isInteger(mu) || mu < s || mu > t) throw new Error(`intervalScore: μ = ${mu} must be an integer in [s, t] = [${s}, ${t}]`);

  const start = settings.inversionStart === 'noised-t0' ? addNoise(z, sampleNoise(prior, z.length, settings.noiseOffset, rng), schedule.alphaBar(0)) : z;
  const uncond = unconditional(views.base);
  const inverted = await invertAlong(prior, start, stridePath(0, s, settings.inversionStride), uncond, NO_GUIDANCE, {
    eta: settings.inversionEta,
    rng,
  });
  const xs = inverted.x;
  const epsS = await prior.predictNoise(xs, s, uncond, NO_GUIDANCE);
  let unetCalls = inverted.calls + 1;

  const alphaS = schedule.alphaBar(s);
  const alphaT = schedule.alphaBar(t);
  const xt = ddimMove(xs, epsS, alphaS, alphaT);
  let target = epsS;
  if (mu !== s) {
    const xMu = mu === t ? xt : ddimMove(xs, epsS, alphaS, schedule.alphaBar(mu));
    target = await prior.predictNoise(xMu, mu, uncond, NO_GUIDANCE);
    unetCalls++;
  }
  const conditional = await views.forViews(input.views, settings.cfgScale);
  const epsHat = await prior.predictNoise(xt, t, conditional.cond, conditional.guidance);
  unetCalls++;

  const w = weightAt(settings.weight, alphaT);
  const g = epsHat.map((e, k) => w * (e - target[k]!));
  const x0Preview = await firstImageX0(prior, imageCount(prior, images), xt, epsHat, alphaT);
  return { z, t, s, mu, g, x0Preview, unetCalls };
}

/** N(0, I) plus LucidDreamer's noise offset: one offset·N(0, 1) per latent channel, the same for every image. */
function sampleNoise(prior: Prior, length: number, offset: number, rng: Rng): Float32Array {
  const noise = rng.fillNormal(new Float32Array(length));
  if (offset === 0) return noise;
  const [C, h, w] = prior.latentShape;
  const plane = h * w;
  const perChannel = Array.from({ length: C }, () => offset * rng.normal());
  for (let k = 0; k < length; k++) noise[k]! += perChannel[Math.floor(k / plane) % C]!;
  return noise;
}
