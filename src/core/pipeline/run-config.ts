import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { MethodName, PresetName, RunRequest, type ParsedRunRequest, type PresetName as Preset } from '../../shared/runs';
import { parseMethodSettings } from '../distill/registry';
import { formatZodIssues } from '../../shared/zod-issues';
import { GaussianTrainingSettings } from '../scene/gaussians/training-settings';

/** The budget a preset sets. Densification and SH warm-up are scheduled as fractions of the run's length. */
interface PresetBudget {
  iterations: number;
  batchSize: number;
  initialGaussians: number;
  maxGaussians: number;
}

const BASE_PRESETS: Record<Preset, PresetBudget> = {
  fast: { iterations: 300, batchSize: 1, initialGaussians: 1000, maxGaussians: 10_000 },
  balanced: { iterations: 800, batchSize: 2, initialGaussians: 2000, maxGaussians: 30_000 },
  quality: { iterations: 2000, batchSize: 4, initialGaussians: 4000, maxGaussians: 100_000 },
};

/**
 * Per-method adjustments: GE3D and SDI call the UNet several times per iteration (multi-step inversion), so their
 * fast preset spends fewer iterations for a similar wall time.
 */
const METHOD_PRESET_ADJUSTMENTS: Partial<Record<MethodName, Partial<Record<Preset, Partial<PresetBudget>>>>> = {
  ge3d: { fast: { iterations: 200 } },
  sdi: { fast: { iterations: 200 } },
};

export function presetBudget(method: MethodName, preset: Preset): PresetBudget {
  return { ...BASE_PRESETS[preset], ...METHOD_PRESET_ADJUSTMENTS[method]?.[preset] };
}

/** The schedule fractions of the method benchmark's 3DGS configuration (BENCH_TRAINING at 800 iterations). */
function scheduledTraining(iterations: number, maxGaussians: number) {
  const at = (fraction: number) => Math.max(1, Math.round(iterations * fraction));
  return {
    positionLrInit: 1.6e-3,
    positionLrFinal: 1.6e-5,
    densifyFrom: at(1 / 8),
    densifyUntil: at(5 / 8),
    densifyInterval: at(1 / 8),
    opacityResetInterval: 0,
    shDegreeInterval: at(1 / 2),
    maxGaussians,
  };
}

/** Snapshot spacing: about 25 over the run, at least every iteration. */
export function defaultSnapshotEvery(iterations: number): number {
  return Math.max(1, Math.round(iterations / 25));
}

/** What the engine runs: every value explicit, stored with the run so a resume never depends on preset tables. */
export const ResolvedRunConfig = z.object({
  version: z.literal(1),
  prompt: z.string(),
  negativePrompt: z.string(),
  method: MethodName,
  preset: PresetName,
  model: z.string(),
  seed: z.number().int(),
  iterations: z.number().int().positive(),
  resolution: z.number().int().positive().nullable(),
  batchSize: z.number().int().positive(),
  initialGaussians: z.number().int().positive(),
  shDegreeMax: z.number().int().min(0).max(3),
  snapshotEvery: z.number().int().positive(),
  methodSettings: z.record(z.string(), z.unknown()),
  training: GaussianTrainingSettings,
  /** The request as the artist gave it (branches start from it). */
  request: z.record(z.string(), z.unknown()),
});
export type ResolvedRunConfig = z.infer<typeof ResolvedRunConfig>;

/** Validates a request (shared schema), applies the preset, and fills the method's and 3DGS settings' defaults. */
export function resolveRunConfig(input: unknown): ResolvedRunConfig {
  const parsed = RunRequest.safeParse(input);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid run settings: ${formatZodIssues(parsed.error)}`);
  const r: ParsedRunRequest = parsed.data;
  const budget = presetBudget(r.method, r.preset);
  const iterations = r.iterations ?? budget.iterations;
  const maxGaussians = r.maxGaussians ?? budget.maxGaussians;
  const methodSettings = parseMethodSettings(r.method, r.methodSettings);
  const training = GaussianTrainingSettings.strict().safeParse({ ...scheduledTraining(iterations, maxGaussians), ...r.training });
  if (!training.success) throw new KilnError('invalid-request', `invalid 3DGS training settings: ${formatZodIssues(training.error)}`);
  return {
    version: 1,
    prompt: r.prompt,
    negativePrompt: r.negativePrompt,
    method: r.method,
    preset: r.preset,
    model: r.model,
    seed: r.seed,
    iterations,
    resolution: r.resolution ?? null,
    batchSize: r.batchSize ?? budget.batchSize,
    initialGaussians: r.initialGaussians ?? budget.initialGaussians,
    shDegreeMax: 1,
    snapshotEvery: r.snapshotEvery ?? defaultSnapshotEvery(iterations),
    methodSettings: methodSettings as Record<string, unknown>,
    training: training.data,
    request: r as unknown as Record<string, unknown>,
  };
}

/**
 * A branch's configuration: the parent's request with the overrides applied. A different method starts from that
 * method's defaults (the parent's method settings mean nothing to it); the same method merges them.
 */
export function branchConfig(parent: ResolvedRunConfig, overrides: Record<string, unknown>): ResolvedRunConfig {
  const base = parent.request;
  const sameMethod = overrides.method === undefined || overrides.method === base.method;
  const methodSettings = sameMethod
    ? { ...(base.methodSettings as Record<string, unknown>), ...(overrides.methodSettings as Record<string, unknown> | undefined) }
    : (overrides.methodSettings ?? {});
  return resolveRunConfig({ ...base, ...overrides, methodSettings });
}

/** Iterations at which a run snapshots: 0, every `every`, four times as dense in the first tenth, and the last. */
export function isSnapshotIteration(iteration: number, total: number, every: number): boolean {
  if (iteration === 0 || iteration === total) return true;
  const early = Math.max(1, Math.floor(every / 4));
  if (iteration <= total / 10) return iteration % early === 0;
  return iteration % every === 0;
}
