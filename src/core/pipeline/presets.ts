import type { MethodName, PresetName, RepresentationName } from '../../shared/runs';

/** The budget a preset sets for a Gaussian stage. Densification and SH warm-up are scheduled as fractions of it. */
export interface PresetBudget {
  iterations: number;
  batchSize: number;
  initialGaussians: number;
  maxGaussians: number;
}

/** One stage a preset defines: its representation, budget, and the representation's own settings. */
export interface PresetStage {
  representation: RepresentationName;
  iterations: number;
  batchSize: number;
  /** The stage's guidance when the request names none for the stage (else the run's method). */
  method?: MethodName;
  methodSettings?: Record<string, unknown>;
  settings: Record<string, unknown>;
}

const BASE_PRESETS: Record<PresetName, PresetBudget> = {
  fast: { iterations: 300, batchSize: 1, initialGaussians: 1000, maxGaussians: 10_000 },
  balanced: { iterations: 800, batchSize: 2, initialGaussians: 2000, maxGaussians: 30_000 },
  quality: { iterations: 2000, batchSize: 4, initialGaussians: 4000, maxGaussians: 100_000 },
};

/**
 * Per-method adjustments: GE3D and SDI call the UNet several times per iteration (multi-step inversion), so their
 * fast preset spends fewer iterations for a similar wall time. DTC123's Gaussian stage is its coarse student
 * (docs/dtc123.md#student): about a third of the Gaussians, standing in for the paper's 64² NeRF.
 */
const METHOD_PRESET_ADJUSTMENTS: Partial<Record<MethodName, Partial<Record<PresetName, Partial<PresetBudget>>>>> = {
  ge3d: { fast: { iterations: 200 } },
  sdi: { fast: { iterations: 200 } },
  dtc: { fast: { maxGaussians: 3_000 }, balanced: { maxGaussians: 10_000 }, quality: { maxGaussians: 30_000 } },
};

/** A preset's Gaussian stage budget for a method (what the generate panel shows). */
export function presetBudget(method: MethodName, preset: PresetName): PresetBudget {
  return { ...BASE_PRESETS[preset], ...METHOD_PRESET_ADJUSTMENTS[method]?.[preset] };
}

/**
 * How a preset's DMTet stage is guided and started (docs/bench/readme-glb.md, seed 0 of the README job, the same
 * 800-iteration Gaussians): VDM, whose mapping network starts afresh in each stage, left the mesh at 3.83 % Chamfer;
 * SDS at low t with the σ-ratio weight w = √((1 − ᾱ)/ᾱ) (the gradient is then x − x̂₀, a photometric pull towards
 * the prior's denoised view, as ISM and SDI weight it) and CFG 1 reached 2.85 % in 600 iterations; started from the
 * visual hull of the splats' renders instead of their density, 2.19 % in one piece. Two later changes: the colour
 * field's start with the demo light divided out of the splats' shaded colour (DeshadedProbe), and training cameras at
 * the prior's own poses (`cameras: 'prior-poses'`: the demo pack's 36 views, where its denoised view is the exact
 * render, not its nearest pose's from up to 15° away; packs that declare no poses keep the orbit). Together they moved
 * the README job's median over seeds 0–4, end to end, from 2.38 % / 73 % within 2 % / texture 43/255 to
 * 1.87 % / 82 % / 27, better on every seed. On one seed the outcome still varies with the stage's random stream
 * (1.2–2.1 %).
 */
const MESH_GUIDANCE = {
  method: 'sds',
  methodSettings: { cfgScale: 1, weight: 'sigma-ratio', timesteps: { tRange: [0.02, 0.3] } },
} as const satisfies Pick<PresetStage, 'method' | 'methodSettings'>;
const MESH_START = { initSurface: 'visual-hull', sdfLrPerCell: 1, cameras: 'prior-poses' } as const;

/**
 * The budget of a DMTet stage after the Gaussians (`stages: [{ representation: 'gaussians' }, { representation:
 * 'dmtet' }]`): the grid rises 32 → 64 as DTC123's does (128 only in quality), the views at the prior's size. Only
 * balanced is measured (docs/bench/readme-glb.md); fast and quality scale its length.
 */
const MESH_PRESETS: Record<PresetName, PresetStage> = {
  fast: {
    representation: 'dmtet',
    iterations: 300,
    batchSize: 1,
    ...MESH_GUIDANCE,
    settings: { ...MESH_START, gridProgression: [{ from: 0, resolution: 32 }, { from: 0.5, resolution: 64 }] },
  },
  balanced: {
    representation: 'dmtet',
    iterations: 600,
    batchSize: 2,
    ...MESH_GUIDANCE,
    settings: { ...MESH_START, gridProgression: [{ from: 0, resolution: 32 }, { from: 0.4, resolution: 64 }] },
  },
  quality: {
    representation: 'dmtet',
    iterations: 1000,
    batchSize: 2,
    ...MESH_GUIDANCE,
    settings: { ...MESH_START, gridProgression: [{ from: 0, resolution: 32 }, { from: 0.3, resolution: 64 }, { from: 0.7, resolution: 128 }] },
  },
};

/**
 * The stages a preset runs by default: one Gaussian stage; DTC123 its coarse-to-fine student, the coarse Gaussian
 * stage then the DMTet stage above, its grid rising as the curriculum's t falls (docs/dtc123.md#student).
 */
export function presetStages(method: MethodName, preset: PresetName): PresetStage[] {
  if (method === 'dtc') return [presetStageOf(method, preset, 'gaussians'), presetStageOf(method, preset, 'dmtet')];
  return [presetStageOf(method, preset, 'gaussians')];
}

/** The stages a run whose product is a mesh (a GLB) runs when it names none: Gaussians, then a DMTet surface. */
export const MESH_OUTPUT_STAGES = [{ representation: 'gaussians' }, { representation: 'dmtet' }] as const satisfies readonly { representation: RepresentationName }[];

/** A preset's budget and settings for a stage of `representation` (what a requested stage without them gets). */
export function presetStageOf(method: MethodName, preset: PresetName, representation: RepresentationName): PresetStage {
  if (representation === 'dmtet') {
    // DTC123 guides its mesh stage itself: its curriculum runs on through it (docs/dtc123.md).
    if (method === 'dtc') {
      const { method: _method, methodSettings: _settings, ...stage } = MESH_PRESETS[preset];
      return stage;
    }
    return MESH_PRESETS[preset];
  }
  const { iterations, batchSize, initialGaussians, maxGaussians } = presetBudget(method, preset);
  return { representation: 'gaussians', iterations, batchSize, settings: { initialGaussians, maxGaussians } };
}
