import type { Conditioning, ConditionRow, Guidance, PerImage, Prior } from '../../diffusion/prior';
import { poseEmbedding, type OrbitView } from '../../diffusion/pose-embedding';
import { VIEW_SECTORS, type ViewSector } from '../../diffusion/view-sector';
import type { ViewInfo } from '../guidance';
import { perpNegNegatives, viewName, type ViewPromptSettings } from './view-prompts';

/** What a method's UNet call needs for one step's batch: conditioning and guidance, one for all images or one each. */
export interface StepConditioning {
  cond: PerImage<Conditioning>;
  guidance: PerImage<Guidance>;
}

export interface ViewConditioner {
  /** The run's conditioning (prompt, negative prompt) without view words. */
  readonly base: Conditioning;
  /** True when the batch's images are conditioned on their own view prompts. */
  readonly active: boolean;
  /**
   * Conditioning and guidance for images seen from `views`, at CFG scale `scale`. With view prompts on, image i gets
   * the prompt + its view's suffix against the run's negative prompt, and (when `perpNeg` is not turned off for this
   * call and the setting is on) Perp-Neg with the neighbouring view's prompt as the weighted negative.
   */
  forViews(views: readonly ViewInfo[], scale: number, options?: { perpNeg?: boolean }): Promise<StepConditioning>;
}

/**
 * A view-conditioned prior's conditioning for images seen from `views`: the reference (latent) of `base` with one
 * pose per image, relative to the reference camera in the pack's pose convention; the unconditional row stays
 * `base.negative` (zeros).
 */
export function posedConditioning(prior: Prior, base: Conditioning, reference: OrbitView, views: readonly ViewInfo[]): Conditioning {
  if (base.positive.kind !== 'view') throw new Error('posedConditioning: the conditioning is not a reference view');
  const convention = prior.manifest.poseConvention ?? 'zero123';
  return { positive: { ...base.positive, poses: views.map((v) => poseEmbedding(reference, v, convention)) }, negative: base.negative };
}

/**
 * View prompts for a method: active when the setting is on, the prior takes text and the run's prompt is known
 * (MethodContext.prompt); otherwise every image gets the run's conditioning. The three view prompts are encoded once,
 * on first use. A view-conditioned prior (an image run) instead conditions each image on the reference seen from
 * that image's pose (`posedConditioning`); view prompts and Perp-Neg do not apply to it.
 */
export function viewConditioner(
  ctx: { prior: Prior; conditioning: Conditioning; prompt?: string; referenceCamera?: OrbitView },
  settings: ViewPromptSettings,
): ViewConditioner {
  const { prior, conditioning: base, prompt, referenceCamera } = ctx;
  if (base.positive.kind === 'view') {
    if (!referenceCamera) throw new Error('viewConditioner: a reference view needs its camera (MethodContext.referenceCamera)');
    return { base, active: false, forViews: async (views, scale) => ({ cond: posedConditioning(prior, base, referenceCamera, views), guidance: { scale } }) };
  }
  const active = settings.enabled && prompt !== undefined && prior.kind === 'text-to-image';
  let encoded: Promise<Record<ViewSector, ConditionRow>> | undefined;
  const rows = () =>
    (encoded ??= prior.encodePrompts(VIEW_SECTORS.map((v) => prompt! + settings.suffixes[v])).then((list) => {
      const bySector = {} as Record<ViewSector, ConditionRow>;
      VIEW_SECTORS.forEach((v, i) => (bySector[v] = list[i]!));
      return bySector;
    }));
  return {
    base,
    active,
    async forViews(views, scale, options = {}) {
      if (!active) return { cond: base, guidance: { scale } };
      const bySector = await rows();
      const perpNeg = settings.perpNeg && options.perpNeg !== false;
      const cond: Conditioning[] = [];
      const guidance: Guidance[] = [];
      for (const view of views) {
        cond.push({ positive: bySector[viewName(view.azimuthDeg, settings)], negative: base.negative });
        if (!perpNeg) {
          guidance.push({ scale });
          continue;
        }
        const negatives = perpNegNegatives(view.azimuthDeg, settings);
        guidance.push({ scale, perpNeg: { negatives: negatives.map((n) => bySector[n.view]), weights: negatives.map((n) => n.weight) } });
      }
      return { cond, guidance };
    },
  };
}
