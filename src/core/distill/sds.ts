import { z } from 'zod';
import type { GuidanceMethod, MethodDefinition } from './guidance';
import { addNoise, fromPriorSpace, GradientTransport, gradientToImages, predictX0, rms, toPriorSpace } from './shared/prior-space';
import { sampleTimestep, TimestepRange } from './shared/timesteps';
import { weightAt, WeightKind } from './shared/weights';

export const SdsSettings = z.object({
  cfgScale: z.number().default(100),
  timesteps: TimestepRange.default({ tRange: [0.02, 0.98], warmupFrom: null, warmupIterations: 0 }),
  weight: WeightKind.default('one-minus-alpha-bar'),
  transport: GradientTransport.default('decode-target'),
});
export type SdsSettings = z.infer<typeof SdsSettings>;

/** DreamFusion's score distillation: g = w(t)·(ε̃(x_t, t, y) − ε) with fresh noise every iteration. */
export const sdsMethod: MethodDefinition<typeof SdsSettings> = {
  name: 'sds',
  title: 'SDS',
  summary: 'Score distillation (DreamFusion): the baseline; fresh noise each step, high CFG, tends to over-smooth.',
  settings: SdsSettings,
  create({ prior, conditioning, settings }): GuidanceMethod {
    const T = prior.schedule.trainTimesteps;
    return {
      name: 'sds',
      async step({ images, iteration, rng }) {
        const z = await toPriorSpace(prior, images);
        const t = sampleTimestep(settings.timesteps, iteration, T, rng);
        const alphaBar = prior.schedule.alphaBar(t);
        const eps = rng.fillNormal(new Float32Array(z.length));
        const xt = addNoise(z, eps, alphaBar);
        const epsHat = await prior.predictNoise(xt, t, conditioning, { scale: settings.cfgScale });
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
