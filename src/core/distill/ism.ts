import type { GuidanceMethod, MethodDefinition } from './guidance';
import { IntervalSettings, intervalScore } from './shared/interval-score';
import { gradientToImages, rms } from './shared/prior-space';
import { viewConditioner } from './shared/view-conditioning';

export const IsmSettings = IntervalSettings;
export type IsmSettings = IntervalSettings;

/** LucidDreamer's interval score matching: g = w(t)·(ε̃(x_t, t, y) − ε_∅(x_s, s)), x_s and x_t by DDIM inversion with ∅. */
export const ismMethod: MethodDefinition<typeof IsmSettings> = {
  name: 'ism',
  title: 'ISM',
  summary: 'Interval score matching (LucidDreamer): DDIM-inverted x_s → x_t, target ε_∅(x_s, s); the baseline the seeds compare against.',
  settings: IsmSettings,
  create(ctx): GuidanceMethod {
    const { prior, settings } = ctx;
    const views = viewConditioner(ctx, settings.viewPrompts);
    return {
      name: 'ism',
      async step(input) {
        const step = await intervalScore(prior, views, settings, input, (s) => s);
        const dImages = await gradientToImages(prior, input.images, step.z, step.g, settings.transport);
        return { dImages, t: step.t, terms: { ism: rms(step.g) }, x0Preview: step.x0Preview, unetCalls: step.unetCalls };
      },
    };
  },
};
