import { z } from 'zod';
import { DEFAULT_FRONT_HALF_WIDTH_DEG } from '../view-sector';

export const DEMO_KINDS = ['pixel', 'latent', 'view'] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

/** Bump when the builder's output changes for the same parameters, so cached packs are rebuilt. */
// 2: view words ("front view", …) mask the training views by azimuth sector; 3: view packs take Zero-1-to-3's pose
// vector (Δpolar, not Δelevation: the first entry's sign flipped)
export const DEMO_BUILDER_VERSION = 3;

/** Everything the demo-prior builder depends on; defaults in one place. */
export const DemoPackParams = z.object({
  kind: z.enum(DEMO_KINDS).default('pixel'),
  imageSize: z.number().int().multipleOf(2).min(8).max(256).default(64),
  /**
   * σ_d of the Gaussian mixture on the [−1, 1] image scale (> 0; see docs/architecture.md on why not 0). Latent packs use
   * σ_d·latentScalingFactor, the same blur seen through the orthonormal autoencoder.
   */
  sigmaData: z.number().positive().default(0.1),
  latentScalingFactor: z.number().positive().default(0.5),
  camera: z
    .object({
      radiusM: z.number().positive().default(2.5),
      fovYDeg: z.number().positive().default(40),
      elevationsDeg: z.array(z.number()).min(1).default([0, 15, 30]),
      azimuthStepDeg: z.number().positive().default(30),
    })
    .prefault({}),
  /** Supersamples per pixel along each axis when rendering the training images. */
  samplesPerAxis: z.number().int().min(1).max(4).default(2),
  /**
   * Log-weight an object loses per prompt word that contradicts it. Large enough to be a hard mask, so the
   * conditional is exactly the mixture of the matching objects: at small t the likelihood term reaches ~10⁶ nats on a
   * 64² image, and any smaller penalty lets a nearby image of another object win, making conditional and
   * unconditional predictions agree there (which silences CFG for low-t methods such as GE3D).
   */
  mismatchPenalty: z.number().positive().default(1e9),
  /**
   * Text packs: half-width of the front and back azimuth sectors that "front view" and "back view" select (view-sector.ts,
   * the same function the methods' view prompts use); "side view" selects the rest.
   */
  frontHalfWidthDeg: z.number().min(0).max(90).default(DEFAULT_FRONT_HALF_WIDTH_DEG),
  /** Precision of the graphs' float inputs/outputs; fp16 exercises the half-float path of real packs. */
  ioType: z.enum(['float', 'float16']).default('float'),
  /** View packs: width of the reference match (latent scale) and of the pose kernel. */
  referenceSigma: z.number().positive().default(0.5),
  poseSigma: z.number().positive().default(0.1),
});
export type DemoPackParams = z.infer<typeof DemoPackParams>;
export type DemoPackParamsInput = z.input<typeof DemoPackParams>;
