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
 * The budget of a DMTet stage after the Gaussians (`stages: [{ representation: 'gaussians' }, { representation:
 * 'dmtet' }]`): the grid rises 32 → 64 as DTC123's does (128 only in quality), the views at the prior's size.
 */
const MESH_PRESETS: Record<PresetName, PresetStage> = {
  fast: { representation: 'dmtet', iterations: 100, batchSize: 1, settings: { gridProgression: [{ from: 0, resolution: 32 }, { from: 0.5, resolution: 64 }] } },
  balanced: { representation: 'dmtet', iterations: 200, batchSize: 2, settings: { gridProgression: [{ from: 0, resolution: 32 }, { from: 0.4, resolution: 64 }] } },
  quality: {
    representation: 'dmtet',
    iterations: 400,
    batchSize: 2,
    settings: { gridProgression: [{ from: 0, resolution: 32 }, { from: 0.3, resolution: 64 }, { from: 0.7, resolution: 128 }] },
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

/** A preset's budget and settings for a stage of `representation` (what a requested stage without them gets). */
export function presetStageOf(method: MethodName, preset: PresetName, representation: RepresentationName): PresetStage {
  if (representation === 'dmtet') return MESH_PRESETS[preset];
  const { iterations, batchSize, initialGaussians, maxGaussians } = presetBudget(method, preset);
  return { representation: 'gaussians', iterations, batchSize, settings: { initialGaussians, maxGaussians } };
}
