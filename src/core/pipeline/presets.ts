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
 * fast preset spends fewer iterations for a similar wall time.
 */
const METHOD_PRESET_ADJUSTMENTS: Partial<Record<MethodName, Partial<Record<PresetName, Partial<PresetBudget>>>>> = {
  ge3d: { fast: { iterations: 200 } },
  sdi: { fast: { iterations: 200 } },
};

/** A preset's Gaussian stage budget for a method (what the generate panel shows). */
export function presetBudget(method: MethodName, preset: PresetName): PresetBudget {
  return { ...BASE_PRESETS[preset], ...METHOD_PRESET_ADJUSTMENTS[method]?.[preset] };
}

/** The stages a preset runs (today one Gaussian stage; a mesh stage joins when its representation is registered). */
export function presetStages(method: MethodName, preset: PresetName): PresetStage[] {
  const { iterations, batchSize, initialGaussians, maxGaussians } = presetBudget(method, preset);
  return [{ representation: 'gaussians', iterations, batchSize, settings: { initialGaussians, maxGaussians } }];
}
