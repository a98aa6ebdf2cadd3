import { z } from 'zod';
import type { GuidanceMethod, MethodDefinition } from './guidance';
import { noisedPrediction } from './shared/noised-prediction';
import { fromPriorSpace, GradientTransport, gradientToImages, predictX0, rms } from './shared/prior-space';
import { TimestepRange } from './shared/timesteps';
import { viewConditioner } from './shared/view-conditioning';
import { viewPromptSettings } from './shared/view-prompts';
import { weightAt, WeightKind } from './shared/weights';

export const SdsSettings = z.object({
  cfgScale: z.number().default(100),
  timesteps: TimestepRange.default({ tRange: [0.02, 0.98], warmupFrom: null, warmupIterations: 0 }),
  weight: WeightKind.default('one-minus-alpha-bar'),
  transport: GradientTransport.default('decode-target'),
  /** View prompts on; Perp-Neg off, as threestudio's stable-diffusion-guidance defaults (use_perp_neg: false). */
  viewPrompts: viewPromptSettings(false),
});
export type SdsSettings = z.infer<typeof SdsSettings>;

/** DreamFusion's score distillation: g = w(t)·(ε̃(x_t, t, y) − ε) with fresh noise every iteration. */
export const sdsMethod: MethodDefinition<typeof SdsSettings> = {
  name: 'sds',
  title: 'SDS',
  summary: 'Score distillation (DreamFusion): the baseline; fresh noise each step, high CFG, tends to over-smooth.',
  settings: SdsSettings,
  create(ctx): GuidanceMethod {
    const { prior, settings } = ctx;
    const views = viewConditioner(ctx, settings.viewPrompts);
    return {
      name: 'sds',
      async step({ images, views: seen, iteration, rng }) {
        const { z, t, alphaBar, eps, xt, epsHat } = await noisedPrediction(
          prior, images, settings.timesteps, iteration, await views.forViews(seen, settings.cfgScale), rng,
        );
        const w = weightAt(settings.weight, alphaBar);
        const g = epsHat.map((e, k) => w * (e - eps[k]!));
        const dImages = await gradientToImages(prior, images, z, g, settings.transport);
        const single = z.length / (images.length / (3 * prior.imageSize * prior.imageSize));
        const x0Preview = await fromPriorSpace(prior, predictX0(xt.subarray(0, single), epsHat.subarray(0, single), alphaBar));
        return { dImages, t, terms: { sds: rms(g) }, x0Preview, unetCalls: 1 };
      },
    };
  },
};
