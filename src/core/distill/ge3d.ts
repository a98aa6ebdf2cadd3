import { z } from 'zod';
import { ddimMove } from '../diffusion/ddim';
import type { Rng } from '../random/rng';
import type { GuidanceMethod, MethodDefinition } from './guidance';
import { dbcWeights } from './shared/dbc-weights';
import { viewConditioner } from './shared/view-conditioning';
import { viewPromptSettings } from './shared/view-prompts';
import { fromPriorSpace, GradientTransport, gradientToImages, NO_GUIDANCE, rms, toPriorSpace, unconditional } from './shared/prior-space';

/** A gap range [min, max) in timesteps, as torch.randint(min, max) draws it in the authors' code. */
const GapRange = z
  .tuple([z.number().int().min(1), z.number().int().min(2)])
  .refine(([lo, hi]) => hi > lo, 'a gap range is [min, max) with max > min');

/**
 * Defaults follow the authors' code (Jahnsonblack/GE3D, guidance/GE3D.py and arguments/__init__.py), which is more
 * specific than the paper ("5–10 nodes, gaps 40–100"): n = 6 jumps, each gap drawn from [60, 80) at the start and
 * [30, 50) at the end of the run, the farthest node capped below 480 → 300, all three annealed linearly. Some of the
 * released per-prompt configs go deeper (configs/lantern.yaml: gaps [100, 110) → [70, 80), cap 700 → 400).
 */
export const Ge3dSettings = z.object({
  cfgScale: z.number().default(7.5),
  /** n: the number of jumps, so nodes t₀ = 0 < t₁ < … < t_n. */
  jumps: z.number().int().min(1).default(6),
  gapStart: GapRange.default([60, 80]),
  gapEnd: GapRange.default([30, 50]),
  /** Nodes stay strictly below this cap (timesteps), annealed linearly from start to end. */
  maxStepStart: z.number().int().min(2).default(480),
  maxStepEnd: z.number().int().min(2).default(300),
  /** Dynamic balancing coefficients; off sums the node differences unweighted, as the code's use_w = False does. */
  dbc: z.boolean().default(true),
  dbcSigma: z.number().positive().default(1000),
  /** λ on the whole gradient: the code's lambda_guidance (0.1 in every released config); the paper has none. */
  lambda: z.number().default(0.1),
  transport: GradientTransport.default('decode-target'),
  /** View prompts with Perp-Neg, on in the authors' setup (§4 "Perp-Neg on"; code from LucidDreamer, perpneg = True). */
  viewPrompts: viewPromptSettings(true),
});
export type Ge3dSettings = z.infer<typeof Ge3dSettings>;

/** `begin` annealed toward `end`, truncated as the authors' `int(...)` does. */
function annealed(begin: number, end: number, iteration: number, total: number): number {
  return begin - Math.trunc(((begin - end) * iteration) / Math.max(1, total));
}

/**
 * The nodes [t₀ = 0, t₁, …, t_n] of one iteration, as the authors' Random_Sampling draws them: cumulative random
 * gaps, stopping early at the first node that would reach the cap. Unlike the code, the first jump is always taken
 * (clamped below the cap), so there is at least one edit step; with the defaults the cap is never reached
 * (6·79 < 480 and 6·49 < 300), so exactly `jumps` nodes follow t₀ and the farthest node falls from ≈420 to ≈240.
 */
export function ge3dNodes(s: Ge3dSettings, iteration: number, totalIterations: number, T: number, rng: Rng): number[] {
  const lo = annealed(s.gapStart[0], s.gapEnd[0], iteration, totalIterations);
  const hi = annealed(s.gapStart[1], s.gapEnd[1], iteration, totalIterations);
  const cap = Math.min(T, annealed(s.maxStepStart, s.maxStepEnd, iteration, totalIterations));
  const nodes = [0];
  for (let j = 0; j < s.jumps; j++) {
    const next = nodes[nodes.length - 1]! + rng.int(lo, Math.max(lo, hi - 1));
    if (next < cap) nodes.push(next);
    else {
      if (j === 0) nodes.push(Math.max(1, cap - 1));
      break;
    }
  }
  return nodes;
}

/**
 * GE3D (text-to-3D by 2D editing): each iteration edits the render in a few DDIM steps. The noising trajectory
 * DDIM-inverts x_{t_i} → x_{t_{i+1}} with the unconditional prediction; the denoising trajectory starts from
 * x̃_{t_n} = x_{t_n} and steps back with CFG; g = λ·Σ_{i<n} ω̃(i,k)·(x_{t_i} − x̃_{t_i}). t₀ is the clean end
 * (ᾱ = 1, the UNet queried at timestep 0, as Prior.ddim does), so the i = 0 term is the code's extra x₀ − x̃₀ term;
 * the code instead noises x₀ to timestep 0 first, a difference of √(1 − ᾱ₀) in scale.
 */
export const ge3dMethod: MethodDefinition<typeof Ge3dSettings> = {
  name: 'ge3d',
  title: 'GE3D',
  summary: 'Text-to-3D by 2D editing: aligns every latent of a short DDIM invert-then-edit trajectory, coarse nodes first.',
  settings: Ge3dSettings,
  create(ctx): GuidanceMethod {
    const { prior, conditioning, settings } = ctx;
    const schedule = prior.schedule;
    const uncond = unconditional(conditioning);
    const views = viewConditioner(ctx, settings.viewPrompts);
    return {
      name: 'ge3d',
      async step({ images, views: seen, iteration, totalIterations, rng }) {
        const x0 = await toPriorSpace(prior, images);
        const nodes = ge3dNodes(settings, iteration, totalIterations, schedule.trainTimesteps, rng);
        const n = nodes.length - 1;
        const alphaBar = nodes.map((t, i) => schedule.alphaBar(i === 0 ? -1 : t));
        const noising = [x0];
        for (let i = 0; i < n; i++) {
          const eps = await prior.predictNoise(noising[i]!, nodes[i]!, uncond, NO_GUIDANCE);
          noising.push(ddimMove(noising[i]!, eps, alphaBar[i]!, alphaBar[i + 1]!));
        }
        const { cond, guidance } = await views.forViews(seen, settings.cfgScale);
        const denoised: Float32Array[] = [];
        denoised[n] = noising[n]!;
        for (let i = n - 1; i >= 0; i--) {
          const eps = await prior.predictNoise(denoised[i + 1]!, nodes[i + 1]!, cond, guidance);
          denoised[i] = ddimMove(denoised[i + 1]!, eps, alphaBar[i + 1]!, alphaBar[i]!);
        }
        // The code sizes ω̃ by the configured n and indexes it by node, so a trajectory cut short by the cap keeps
        // the fine nodes' weights without renormalising.
        const weights = settings.dbc ? dbcWeights(settings.jumps, iteration, totalIterations, settings.dbcSigma) : new Float64Array(n).fill(1);
        const g = new Float32Array(x0.length);
        for (let i = 0; i < n; i++) {
          const w = settings.lambda * weights[i]!;
          const xi = noising[i]!;
          const di = denoised[i]!;
          for (let k = 0; k < g.length; k++) g[k]! += w * (xi[k]! - di[k]!);
        }
        const dImages = await gradientToImages(prior, images, x0, g, settings.transport);
        const single = x0.length / (images.length / (3 * prior.imageSize * prior.imageSize));
        const x0Preview = await fromPriorSpace(prior, denoised[0]!.subarray(0, single));
        return {
          dImages,
          t: nodes[n]!,
          terms: { ge3d: rms(g), fineWeight: weights[0]!, coarseWeight: weights[n - 1]! },
          x0Preview,
          unetCalls: 2 * n,
        };
      },
    };
  },
};
