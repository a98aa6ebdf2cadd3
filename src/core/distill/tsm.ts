import { z } from 'zod';
import type { GuidanceMethod, MethodDefinition } from './guidance';
import { IntervalSettings, intervalScore } from './shared/interval-score';
import { clipPixelGradients, PixelClipSettings, pixelClipThreshold } from './shared/pixel-clip';
import { gradientToImages, rms } from './shared/prior-space';
import { viewConditioner } from './shared/view-conditioning';

export const TsmSettings = IntervalSettings.extend({
  /** γ, the offset rate of μ between s and t. */
  gamma: z.number().min(0).max(1).default(0.3),
  /**
   * `code` (authors' code): μ = s + (t − s)·√(1 − γ²), so γ = 1 is ISM and γ = 0.3 puts μ near t. `paper`
   * (Algorithm 1, §3): μ = s + γ·(t − s), so γ = 0 is ISM. Both rounded to a timestep, as the code does.
   */
  muForm: z.enum(['code', 'paper']).default('code'),
  pixelClip: PixelClipSettings.prefault({}),
});
export type TsmSettings = z.infer<typeof TsmSettings>;

export function tsmMu(s: number, t: number, gamma: number, form: TsmSettings['muForm']): number {
  const ratio = form === 'code' ? Math.sqrt(1 - gamma * gamma) : gamma;
  return Math.round(s + (t - s) * ratio);
}

/**
 * DreamerXL's trajectory score matching: both branches leave the same x_s with the one prediction ε_∅(x_s, s),
 * g = w(t)·(ε̃(x_t, t, y) − ε_∅(x_μ, μ)), then pixel-wise clipping of the colour gradient.
 */
export const tsmMethod: MethodDefinition<typeof TsmSettings> = {
  name: 'tsm',
  title: 'TSM',
  summary: 'Trajectory score matching (DreamerXL): x_t and x_μ both from one inverted x_s, target ε_∅(x_μ, μ); pixel-wise gradient clipping.',
  settings: TsmSettings,
  create(ctx): GuidanceMethod {
    const { prior, settings } = ctx;
    const S = prior.imageSize;
    const views = viewConditioner(ctx, settings.viewPrompts);
    const threshold = pixelClipThreshold(settings.pixelClip, prior.manifest.tsmPixelClipThreshold);
    return {
      name: 'tsm',
      async step(input) {
        const step = await intervalScore(prior, views, settings, input, (s, t) => tsmMu(s, t, settings.gamma, settings.muForm));
        const dImages = await gradientToImages(prior, input.images, step.z, step.g, settings.transport);
        const clipped = settings.pixelClip.enabled ? clipPixelGradients(dImages, 3, S * S, threshold) : 0;
        return { dImages, t: step.t, terms: { tsm: rms(step.g), clippedFraction: clipped }, x0Preview: step.x0Preview, unetCalls: step.unetCalls };
      },
    };
  },
};
