import { z } from 'zod';
import { AdamSettings } from '../../optim/adam';

/**
 * 3DGS optimisation settings with the defaults of docs/methods.md §8 (the LucidDreamer family, after Inria's 3DGS).
 * Lengths are in metres, relative to the scene extent where the name says so.
 */
export const GaussianTrainingSettings = z.object({
  positionLrInit: z.number().positive().default(1.6e-4),
  positionLrFinal: z.number().positive().default(1.6e-6),
  positionLrDelayMult: z.number().positive().default(0.01),
  /** Steps over which the position rate decays; 0 = the run's iteration count. */
  positionLrMaxSteps: z.number().int().min(0).default(0),
  featureLr: z.number().positive().default(5e-3),
  /** Higher-order SH learn this much slower than the DC term. */
  shRestLrFactor: z.number().positive().default(1 / 20),
  opacityLr: z.number().positive().default(0.05),
  scalingLr: z.number().positive().default(5e-3),
  rotationLr: z.number().positive().default(1e-3),
  adam: AdamSettings.default({ beta1: 0.9, beta2: 0.999, eps: 1e-15 }),

  densifyFrom: z.number().int().min(0).default(100),
  densifyUntil: z.number().int().min(0).default(3000),
  densifyInterval: z.number().int().positive().default(100),
  /** Mean view-space positional gradient (NDC units) above which a Gaussian is cloned or split. */
  densifyGradThreshold: z.number().positive().default(2e-4),
  /** Gaussians larger than this fraction of the scene extent are split, smaller ones cloned. */
  percentDense: z.number().positive().default(0.01),
  splitCount: z.number().int().min(2).max(8).default(2),
  opacityResetInterval: z.number().int().min(0).default(3000),
  pruneMinOpacity: z.number().min(0).max(1).default(0.005),
  /** After the first opacity reset, prune Gaussians whose screen radius exceeded this many pixels. */
  pruneMaxScreenPx: z.number().positive().default(20),
  /** Prune Gaussians whose largest scale exceeds this fraction of the scene extent. */
  pruneMaxWorldFraction: z.number().positive().default(0.1),
  /** Hard cap on the number of Gaussians (densification stops adding beyond it). */
  maxGaussians: z.number().int().positive().default(1_000_000),
  /** Raise the active SH degree by one every this many iterations, up to the model's maximum. */
  shDegreeInterval: z.number().int().positive().default(1000),
});
export type GaussianTrainingSettings = z.infer<typeof GaussianTrainingSettings>;
