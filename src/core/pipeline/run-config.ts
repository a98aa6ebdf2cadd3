import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { MethodName, PresetName, RepresentationName, RunRequest, type ParsedRunRequest, type StageRequest } from '../../shared/runs';
import { parseMethodSettings } from '../distill/registry';
import { formatZodIssues } from '../../shared/zod-issues';
import { representationByName } from '../scene/registry';
import { GaussianTrainingSettings } from '../scene/gaussians/training-settings';
import { presetStageOf, presetStages } from './presets';
import { ReferenceImageSettings } from '../../shared/reference-image-settings';
import { defaultModel, modelFacts } from './open-run-prior';
import { resolveTextModel } from './text-teacher';

/** Snapshot spacing: about 25 over a stage, at least every iteration. */
export function defaultSnapshotEvery(iterations: number): number {
  return Math.max(1, Math.round(iterations / 25));
}

/** One stage as the engine runs it: every value explicit. */
export const ResolvedStage = z.object({
  representation: RepresentationName,
  method: MethodName,
  methodSettings: z.record(z.string(), z.unknown()),
  iterations: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  snapshotEvery: z.number().int().positive(),
  /** The representation's resolved settings (its definition's `settings` schema). */
  settings: z.record(z.string(), z.unknown()),
});
export type ResolvedStage = z.infer<typeof ResolvedStage>;

/**
 * An image run's reference photo as the engine uses it (docs/reference-images.md, "Image runs"): the original file
 * in the blob store, the camera it is taken to be seen from (azimuth 0 by convention: the photo shows the object's
 * front, +Z), and the preprocessing settings the request chose (the size and background are the prior's).
 */
export const ResolvedReference = z.object({
  blob: z.string(),
  name: z.string(),
  camera: z.object({ elevationDeg: z.number(), azimuthDeg: z.literal(0), radiusM: z.number().positive(), fovYDeg: z.number().positive() }),
  settings: z.object({ borderRatio: z.number(), recentre: z.boolean(), foregroundThreshold: z.number(), maxHoleFraction: z.number() }),
});
export type ResolvedReference = z.infer<typeof ResolvedReference>;

const ResolvedRunConfigV2 = z.object({
  version: z.literal(2),
  /** Null for a run conditioned on a reference image alone. */
  prompt: z.string().nullable(),
  /** The reference photo of an image run (configs written before image runs have none). */
  reference: ResolvedReference.nullable().default(null),
  negativePrompt: z.string(),
  preset: PresetName,
  model: z.string(),
  /**
   * A photo run's text teacher (text-to-image) model, which reads the caption (docs/dtc123.md#teacher): the request's
   * `textModel`, or "demo" chosen for a captioned run with a text teacher; null without one (configs written before).
   */
  textModel: z.string().nullable().default(null),
  seed: z.number().int(),
  resolution: z.number().int().positive().nullable(),
  stages: z.array(ResolvedStage).min(1),
  /** The request as the artist gave it (branches start from it). */
  request: z.record(z.string(), z.unknown()),
});

/** Version 1, stored by Kiln before runs were stages: one implicit Gaussian stage. Read, never written. */
const ResolvedRunConfigV1 = z
  .object({
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
    request: z.record(z.string(), z.unknown()),
  })
  .transform(
    (v1): z.output<typeof ResolvedRunConfigV2> => ({
      version: 2,
      prompt: v1.prompt,
      reference: null,
      negativePrompt: v1.negativePrompt,
      preset: v1.preset,
      model: v1.model,
      textModel: null,
      seed: v1.seed,
      resolution: v1.resolution,
      stages: [
        {
          representation: 'gaussians',
          method: v1.method,
          methodSettings: v1.methodSettings,
          iterations: v1.iterations,
          batchSize: v1.batchSize,
          snapshotEvery: v1.snapshotEvery,
          settings: { initialGaussians: v1.initialGaussians, shDegreeMax: v1.shDegreeMax, training: v1.training },
        },
      ],
      request: v1.request,
    }),
  );

/**
 * What the engine runs: every value explicit, stored with the run so a resume never depends on preset tables.
 * Reads version 1 configs (homes written before runs were stages) as their one-stage equivalent.
 */
export const ResolvedRunConfig = z.union([ResolvedRunConfigV2, ResolvedRunConfigV1]);
export type ResolvedRunConfig = z.output<typeof ResolvedRunConfigV2>;

/** Iterations of the whole run, over all its stages. */
export function totalIterations(config: ResolvedRunConfig): number {
  return config.stages.reduce((sum, s) => sum + s.iterations, 0);
}

/** The run iteration at which stage `index` starts (snapshots are numbered over the whole run). */
export function stageStart(config: ResolvedRunConfig, index: number): number {
  return config.stages.slice(0, index).reduce((sum, s) => sum + s.iterations, 0);
}

/** The request's stage list: its own, or the preset's. */
function requestedStages(r: ParsedRunRequest): z.output<typeof RunRequest>['stages'] & object {
  return r.stages ?? presetStages(r.method, r.preset).map((p) => ({ representation: p.representation, settings: {} }));
}

/** The run-wide fields that are shorthand for a Gaussian stage's settings. */
function gaussianShorthand(r: ParsedRunRequest): Record<string, unknown> {
  return {
    ...(r.initialGaussians !== undefined ? { initialGaussians: r.initialGaussians } : {}),
    ...(r.maxGaussians !== undefined ? { maxGaussians: r.maxGaussians } : {}),
    ...(Object.keys(r.training).length > 0 ? { training: r.training } : {}),
  };
}

function resolveStage(r: ParsedRunRequest, stage: z.output<typeof RunRequest>['stages'] & object, index: number): ResolvedStage {
  const s = stage[index]!;
  const definition = representationByName(s.representation);
  if (index > 0) {
    const before = representationByName(stage[index - 1]!.representation);
    if (!definition.startsFrom.includes(before.payloadKind)) {
      throw new KilnError('invalid-request', `stage ${index + 1} (${s.representation}) cannot start from the ${before.payloadKind} that stage ${index} (${before.name}) produces`);
    }
  }
  const preset = presetStageOf(r.method, r.preset, s.representation);
  // A stage's own method, else its preset's (a DMTet stage's guidance), else the run's.
  const method = s.method ?? preset.method ?? r.method;
  const presetGuided = s.method === undefined && preset.method !== undefined;
  const iterations = s.iterations ?? r.iterations ?? preset.iterations;
  const batchSize = s.batchSize ?? r.batchSize ?? preset.batchSize;
  const methodSettings = parseMethodSettings(method, s.methodSettings ?? (presetGuided ? preset.methodSettings : method === r.method ? r.methodSettings : {}));
  const shorthand = s.representation === 'gaussians' ? gaussianShorthand(r) : {};
  return {
    representation: s.representation,
    method,
    methodSettings: methodSettings as Record<string, unknown>,
    iterations,
    batchSize,
    snapshotEvery: r.snapshotEvery ?? defaultSnapshotEvery(iterations),
    settings: definition.resolveSettings(preset.settings, { ...shorthand, ...s.settings }, iterations) as Record<string, unknown>,
  };
}

/**
 * The reference of a request whose photo is already stored (storeReferenceImage), its camera's distance and field
 * of view defaulting to the model's training cameras, and its framing to the model's (ModelFacts.recentreReference).
 */
function resolveReference(reference: ParsedRunRequest['referenceImage'], model: string): ResolvedReference | null {
  if (!reference) return null;
  if (reference.blob === undefined) throw new Error('resolveRunConfig: store the reference image first (storeReferenceImage)');
  const defaults = ReferenceImageSettings.parse({});
  const facts = modelFacts(model);
  return {
    blob: reference.blob,
    name: reference.name,
    camera: { elevationDeg: reference.elevationDeg, azimuthDeg: 0, radiusM: reference.radiusM ?? facts.radiusM, fovYDeg: reference.fovYDeg ?? facts.fovYDeg },
    settings: {
      borderRatio: reference.settings.borderRatio ?? defaults.borderRatio,
      recentre: reference.settings.recentre ?? facts.recentreReference,
      foregroundThreshold: reference.settings.foregroundThreshold ?? defaults.foregroundThreshold,
      maxHoleFraction: reference.settings.maxHoleFraction ?? defaults.maxHoleFraction,
    },
  };
}

/** Validates a request (shared schema), applies the preset, and fills the methods' and representations' defaults. */
export function resolveRunConfig(input: unknown): ResolvedRunConfig {
  const parsed = RunRequest.safeParse(input);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid run settings: ${formatZodIssues(parsed.error)}`);
  const r = parsed.data;
  const stages = requestedStages(r);
  const image = r.referenceImage !== undefined;
  const model = r.model ?? defaultModel(image);
  const resolved = stages.map((_, index) => resolveStage(r, stages, index));
  return {
    version: 2,
    prompt: r.prompt ?? null,
    reference: resolveReference(r.referenceImage, model),
    negativePrompt: r.negativePrompt,
    preset: r.preset,
    model,
    textModel: resolveTextModel(r.textModel, { image, prompt: r.prompt ?? null, stages: resolved }),
    seed: r.seed,
    resolution: r.resolution ?? null,
    stages: resolved,
    request: r as unknown as Record<string, unknown>,
  };
}

/**
 * A branch's configuration: the parent's request with the overrides applied, starting in the stage of the
 * snapshot it branches from (`fromStage`; earlier stages are done). A different method starts from that method's
 * defaults (the parent's method settings mean nothing to it, nor its text model); the same method merges them.
 */
export function branchConfig(parent: ResolvedRunConfig, overrides: Record<string, unknown>, fromStage = 0): ResolvedRunConfig {
  const base = parent.request;
  const sameMethod = overrides.method === undefined || overrides.method === base.method;
  const methodSettings = sameMethod
    ? { ...(base.methodSettings as Record<string, unknown>), ...(overrides.methodSettings as Record<string, unknown> | undefined) }
    : (overrides.methodSettings ?? {});
  const request: Record<string, unknown> = { ...base, ...overrides, methodSettings };
  if (!sameMethod && overrides.textModel === undefined) delete request.textModel;
  if (fromStage > 0 && overrides.stages === undefined) {
    const parsed = RunRequest.safeParse(request);
    if (parsed.success) request.stages = requestedStages(parsed.data).slice(fromStage) satisfies StageRequest[];
  }
  return resolveRunConfig(request);
}

/** Iterations of a stage (1-based counts within it) that snapshot: 0, every `every`, four times as dense in the first tenth, and the last. */
export function isSnapshotIteration(iteration: number, total: number, every: number): boolean {
  if (iteration === 0 || iteration === total) return true;
  const early = Math.max(1, Math.floor(every / 4));
  if (iteration <= total / 10) return iteration % early === 0;
  return iteration % every === 0;
}
