import { z } from 'zod';
import { AdamSettings } from '../../optim/adam';
import { DmtetSettings, isTetGridResolution, TET_GRID_RESOLUTIONS } from './dmtet-settings';
import { SHADING_MODELS } from './surface-shading';

/** One step of the grid progression: from this fraction of the stage on, the tet grid has this resolution. */
const GridStep = z
  .object({
    from: z.number().min(0).max(1),
    resolution: z.number().int().refine(isTetGridResolution, `the tet grid resolution must be one of ${TET_GRID_RESOLUTIONS.join(', ')}`),
  })
  .strict();

/**
 * The DMTet model's training settings: the representation's own (DmtetSettings) plus shading, learning rates and
 * the grid progression. The SDF is metric near the surface, so its Adam step is set as a fraction of the grid's cell
 * (a step moves a surface vertex by about that fraction of its edge, whatever the resolution: the same setting
 * stays stable as the grid rises); deformations are raw tanh inputs (nvdiffrec and threestudio train both at ~1e-2
 * to 3e-2 on unit-scale values); colour logits are logits.
 */
export const DmtetModelSettings = DmtetSettings.extend({
  shading: z.enum(SHADING_MODELS).default('demo-lambert'),
  /**
   * Where the stage's training cameras come from: the prior's orbit band, or (`prior-poses`) the fixed poses a pack
   * declares it was trained on (OrbitSamplerSettings.views; the orbit band for a pack that declares none).
   */
  cameras: z.enum(['orbit', 'prior-poses']).default('orbit'),
  /**
   * Each view is rendered at s× its size and box-filtered down (supersample.ts). The analytic antialias pass blends
   * silhouettes only approximately: against the demo renders (2×2 supersampled) an exact sphere scores 30 dB at 64²
   * with s = 1 and far more with s = 2, whose samples are the ray caster's own. Costs s² pixels.
   */
  supersample: z.number().int().min(1).max(4).default(2),
  /** SDF Adam step as a fraction of the tet grid's cell, decaying (lrFinalFactor): 0.5 starts at 3 cm on grid 32. */
  sdfLrPerCell: z.number().positive().default(0.5),
  deformationLr: z.number().positive().default(0.03),
  colourLr: z.number().positive().default(0.1),
  /**
   * Every learning rate decays exponentially to this fraction of itself by the end of the stage (nvdiffrec decays to
   * 0.1 over its run): late steps polish instead of jittering the surface around its optimum.
   */
  lrFinalFactor: z.number().positive().max(1).default(0.1),
  adam: AdamSettings.default(AdamSettings.parse({})),
  /**
   * DTC123 raises the grid 32 → 64 → 128 through the stage; the first step must start at 0. A single step keeps
   * `gridResolution` fixed. resampleTetField carries the surface across each rise.
   */
  gridProgression: z
    .array(GridStep)
    .min(1)
    .refine((steps) => steps[0]!.from === 0, 'the grid progression must start at 0')
    .refine((steps) => steps.every((s, i) => i === 0 || (s.from > steps[i - 1]!.from && s.resolution > steps[i - 1]!.resolution)), 'grid progression steps must rise in both fraction and resolution')
    .optional(),
}).strict();
export type DmtetModelSettings = z.infer<typeof DmtetModelSettings>;

/** The grid resolution at `progress` ∈ [0, 1] through the stage. */
export function gridResolutionAt(settings: DmtetModelSettings, progress: number): number {
  const steps = settings.gridProgression;
  if (!steps) return settings.gridResolution;
  let resolution = steps[0]!.resolution;
  for (const step of steps) if (progress >= step.from) resolution = step.resolution;
  return resolution;
}
