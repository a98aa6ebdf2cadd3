import { z } from 'zod';
import type { Conditioning, PerImage, Prior } from '../diffusion/prior';
import type { Rng } from '../random/rng';
import type { GuidanceMethod, GuidanceResult, MethodDefinition } from './guidance';
import { convexityLoss } from './shared/convexity-loss';
import { invertAlong, recoverNoise, stridePath } from './shared/ddim-inversion';
import { firstImageX0, imageCount } from './shared/preview';
import { addNoise, GradientTransport, gradientToImages, rms, toPriorSpace } from './shared/prior-space';
import { linearAnneal } from './shared/timesteps';
import { viewConditioner } from './shared/view-conditioning';
import { viewPromptSettings } from './shared/view-prompts';
import { weightAt, WeightKind } from './shared/weights';

export const SdiSettings = z.object({
  /** γ_fwd. */
  cfgScale: z.number().default(7.5),
  /** Global t = tMax − (tMax − tMin)·i/N (fractions of T). Authors' code 0.98 → 0.25; the thesis text says 1 → 0.2. */
  tAnneal: z
    .object({ tMax: z.number().min(0).max(1).default(0.98), tMin: z.number().min(0).max(1).default(0.25) })
    .prefault({}),
  inversion: z
    .object({
      /** γ_inv: CFG of the inversion, negative (conditional and unconditional rows both evaluated). */
      cfgScale: z.number().default(-7.5),
      /** The inversion grid has stride T/steps, so reaching t takes ⌈steps·t/T⌉ moves. */
      steps: z.number().int().positive().default(10),
      /** Overshoot τ ~ U(0, overshootMax·T): code `int(U·T/inversion_n_steps)`, i.e. 0.1; the paper's U(0, 1/30). */
      overshootMax: z.number().min(0).max(1).default(0.1),
      /** Code `inversion_eta`: DDPM-variance noise added after every inversion move. */
      eta: z.number().min(0).default(0.3),
    })
    .prefault({}),
  /**
   * Paper §5.2's entropy term "N(0, 0.3σ(t)I) added to the inverted noise", read in its x̄ = x/√ᾱ parametrisation
   * (x̄_t = x₀ + σ(t)·ε): std 0.3·σ(t) on x̄ is entropyScale·N(0, I) on ε. The authors' code has no such term (its
   * entropy is the inversion's η = 0.3), so 0 by default; 0.3 is the paper's value.
   */
  entropyScale: z.number().min(0).default(0),
  /** σ(t) = √(1 − ᾱ_t)/√ᾱ_t. */
  weight: WeightKind.default('sigma-ratio'),
  convexity: z
    .object({
      weight: z.number().min(0).default(0.1),
      /** Active for the first fraction of the run. */
      untilFraction: z.number().min(0).max(1).default(0.4),
      alphaThreshold: z.number().min(0).max(1).default(0.5),
      /** The renders' vertical field of view; null takes the prior's camera (the demo manifest), else 45°. */
      fovYDeg: z.number().positive().lt(180).nullable().default(null),
    })
    .prefault({}),
  transport: GradientTransport.default('decode-target'),
  /**
   * View prompts with Perp-Neg (paper §5.2: "we use Perpendicular Negative Prompting"). The inversion conditions on
   * the same view prompts with plain γ_inv guidance; Perp-Neg shapes only the forward prediction.
   */
  viewPrompts: viewPromptSettings(true),
});
export type SdiSettings = z.infer<typeof SdiSettings>;

export interface InferredNoise {
  /** The inverted latent and the timestep it reached (t + τ). */
  inverted: Float32Array;
  level: number;
  /** κ: the noise taking x₀ to `inverted` in one forward step, (x − √ᾱ·x₀)/√(1 − ᾱ). */
  eps: Float32Array;
  unetCalls: number;
}

/** κ^{t+τ}(x₀): DDIM-invert x₀ from the clean end to t + τ with γ_inv, then recover the noise that the latent holds. */
export async function inferNoise(
  prior: Prior,
  conditioning: PerImage<Conditioning>,
  x0: Float32Array,
  t: number,
  tau: number,
  inversion: SdiSettings['inversion'],
  rng: Rng,
): Promise<InferredNoise> {
  const T = prior.schedule.trainTimesteps;
  const level = Math.min(T - 1, t + tau);
  const path = stridePath(-1, t, T / inversion.steps);
  path[path.length - 1] = level;
  const { x, calls } = await invertAlong(prior, x0, path, conditioning, { scale: inversion.cfgScale }, { eta: inversion.eta, rng });
  return { inverted: x, level, eps: recoverNoise(x0, x, prior.schedule.alphaBar(level)), unetCalls: calls };
}

/**
 * Score distillation via DDIM inversion (Lukoianov et al.): SDS whose noise is inferred by inverting the current render
 * instead of drawn fresh, g = σ(t)·(ε̃(x_t, t, y) − κ) with x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·κ and a global annealed t;
 * plus the convexity loss on the depth render's normals early in the run.
 */
export const sdiMethod: MethodDefinition<typeof SdiSettings> = {
  name: 'sdi',
  title: 'SDI',
  summary: 'Score distillation via DDIM inversion: SDS with the noise inferred by inverting the render; annealed t; convexity loss.',
  settings: SdiSettings,
  create(ctx): GuidanceMethod {
    const { prior, settings } = ctx;
    const T = prior.schedule.trainTimesteps;
    const views = viewConditioner(ctx, settings.viewPrompts);
    const fovYDeg = settings.convexity.fovYDeg ?? prior.camera?.fovYDeg ?? 45;
    return {
      name: 'sdi',
      async step({ images, alpha, depth, views: seen, iteration, totalIterations, rng }) {
        const z0 = await toPriorSpace(prior, images);
        const t = linearAnneal(settings.tAnneal.tMax, settings.tAnneal.tMin, iteration, totalIterations, T);
        const tau = Math.floor(rng.uniform() * settings.inversion.overshootMax * T);
        const inversionCond = (await views.forViews(seen, settings.inversion.cfgScale, { perpNeg: false })).cond;
        const inferred = await inferNoise(prior, inversionCond, z0, t, tau, settings.inversion, rng);
        const eps = inferred.eps;
        if (settings.entropyScale > 0) for (let k = 0; k < eps.length; k++) eps[k]! += settings.entropyScale * rng.normal();
        const alphaT = prior.schedule.alphaBar(t);
        const xt = addNoise(z0, eps, alphaT);
        const forward = await views.forViews(seen, settings.cfgScale);
        const epsHat = await prior.predictNoise(xt, t, forward.cond, forward.guidance);
        const w = weightAt(settings.weight, alphaT);
        const g = epsHat.map((e, k) => w * (e - eps[k]!));
        const result: GuidanceResult = {
          dImages: await gradientToImages(prior, images, z0, g, settings.transport),
          t,
          terms: { sdi: rms(g), convexity: 0 },
          x0Preview: await firstImageX0(prior, imageCount(prior, images), xt, epsHat, alphaT),
          unetCalls: inferred.unetCalls + 1,
        };
        const c = settings.convexity;
        if (c.weight > 0 && iteration < c.untilFraction * totalIterations) {
          const convex = convexityLoss(depth, alpha, {
            size: prior.imageSize,
            tanHalfFovY: Math.tan((fovYDeg * Math.PI) / 360),
            alphaThreshold: c.alphaThreshold,
            weight: c.weight,
          });
          result.dDepth = Float32Array.from(convex.dDepth);
          result.terms.convexity = convex.loss;
        }
        return result;
      },
    };
  },
};
