import { z } from 'zod';
import { PREDICTION_TYPES } from './noise-schedule';
import { PoseConvention } from './pose-embedding';

/** A camera distribution as a prior was trained on (orbit cameras, docs/conventions.md). */
export const CameraDistribution = z.object({
  radiusM: z.number().positive(),
  fovYDeg: z.number().positive().lt(180),
  elevationRangeDeg: z.tuple([z.number(), z.number()]),
  azimuthRangeDeg: z.tuple([z.number(), z.number()]),
  imageSize: z.number().int().positive(),
});
export type CameraDistribution = z.infer<typeof CameraDistribution>;

/** `kiln.json`: what the diffusers layout does not say about a pack. Every field is optional. */
export const KilnManifest = z.object({
  kind: z.enum(['text-to-image', 'view-conditioned']).default('text-to-image'),
  /**
   * View-conditioned packs: the pose vector the model was trained with (docs/reference-images.md#pose-embedding);
   * `zero123` when absent (Zero-1-to-3, Zero123-XL, Kiln's demo view pack).
   */
  poseConvention: PoseConvention.optional(),
  /** Native image resolution in pixels (square). */
  resolution: z.number().int().positive().optional(),
  /** The VAE's latent scaling factor (SD 1.x: 0.18215); overrides vae_decoder/config.json. */
  latentScaleFactor: z.number().positive().optional(),
  /** RGB ([−1, 1]) → scaled latent, 3 rows × latent-channel columns, for the linear gradient transport. */
  rgbToLatent: z.array(z.array(z.number())).optional(),
  latentToRgb: z.array(z.array(z.number())).optional(),
  camera: CameraDistribution.optional(),
  /** Overrides the scheduler's prediction_type (a pack whose scheduler config is known to be wrong). */
  predictionType: z.enum(PREDICTION_TYPES).optional(),
  /**
   * Tensor names for exporters that name inputs and outputs differently from diffusers/optimum: component → role →
   * name, e.g. { "unet": { "sample": "x", "timestep": "t", "encoder_hidden_states": "context" } } (docs/model-packs.md).
   */
  tensorNames: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** False for guidance-distilled packs (SD-Turbo, SDXL-Turbo): methods then run without classifier-free guidance. */
  cfg: z.boolean().optional(),
  /** TSM's pixel-wise clip threshold for this pack (its gradients' scale differs from pack to pack). */
  tsmPixelClipThreshold: z.number().positive().optional(),
  prompts: z.array(z.string()).default([]),
  /** Set by Kiln's demo-prior builder: what it built and from which parameters (for the build cache). */
  demo: z
    .object({
      builderVersion: z.number().int(),
      paramsHash: z.string(),
      sigmaData: z.number().positive(),
      objects: z.array(z.object({ id: z.string(), prompt: z.string() })),
      views: z.array(z.object({ elevationDeg: z.number(), azimuthDeg: z.number() })),
      /**
       * Text packs from builder version 2: the view words the text encoder knows ("<sector> <suffixWord>", e.g.
       * "front view") and the front/back sector half-width that maps a view's azimuth to its sector (view-sector.ts).
       */
      viewWords: z
        .object({ sectors: z.array(z.string()), suffixWord: z.string(), frontHalfWidthDeg: z.number().min(0).max(90) })
        .optional(),
    })
    .optional(),
});
export type KilnManifest = z.infer<typeof KilnManifest>;
