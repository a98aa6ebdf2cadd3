import { z } from 'zod';
import { ProjectId } from './projects';

/** The distillation methods a run can use (core/distill/registry.ts registers one definition for each name). */
export const METHOD_NAMES = ['sds', 'ism', 'tsm', 'sdi', 'ge3d', 'vdm'] as const;
export const MethodName = z.enum(METHOD_NAMES, { message: `method must be one of ${METHOD_NAMES.join(', ')}` });
export type MethodName = z.infer<typeof MethodName>;

export const PRESET_NAMES = ['fast', 'balanced', 'quality'] as const;
export const PresetName = z.enum(PRESET_NAMES, { message: `preset must be one of ${PRESET_NAMES.join(', ')}` });
export type PresetName = z.infer<typeof PresetName>;

/**
 * The representations a run's stages can optimise, coarse to fine: a stage starts from the payload of the stage
 * before it, so a list must keep this order (core/scene/registry.ts registers the ones this Kiln has).
 */
export const REPRESENTATION_NAMES = ['gaussians', 'dmtet'] as const;
export const RepresentationName = z.enum(REPRESENTATION_NAMES, { message: `representation must be one of ${REPRESENTATION_NAMES.join(', ')}` });
export type RepresentationName = z.infer<typeof RepresentationName>;

/** What a snapshot's payload blob holds: compact Gaussians (shared/gaussians/compact-gaussians) or a mesh. */
export const PAYLOAD_KINDS = ['splats', 'mesh'] as const;
export const PayloadKind = z.enum(PAYLOAD_KINDS);
export type PayloadKind = z.infer<typeof PayloadKind>;

/**
 * One stage of a run as requested. Unset fields come from the run's own fields (method, iterations, …) and then
 * from the preset; `settings` are the representation's own (checked against its schema in the engine).
 */
export const StageRequest = z
  .object({
    representation: RepresentationName,
    method: MethodName.optional(),
    iterations: z.number().int().min(1).max(100_000).optional(),
    batchSize: z.number().int().min(1).max(16).optional(),
    methodSettings: z.record(z.string(), z.unknown()).optional(),
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type StageRequest = z.input<typeof StageRequest>;

const StageList = z
  .array(StageRequest)
  .min(1, { message: 'a run needs at least one stage' })
  .max(8, { message: 'a run has at most 8 stages' })
  .superRefine((stages, ctx) => {
    for (let i = 1; i < stages.length; i++) {
      const before = REPRESENTATION_NAMES.indexOf(stages[i - 1]!.representation);
      if (REPRESENTATION_NAMES.indexOf(stages[i]!.representation) < before) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'representation'],
          message: `stage ${i + 1} (${stages[i]!.representation}) comes after ${stages[i - 1]!.representation}; stages run coarse to fine: ${REPRESENTATION_NAMES.join(', then ')}`,
        });
      }
    }
  });
/** The longest run name (the CLI's --name, the StudioApi's `name`). */
export const RUN_NAME_MAX = 200;

export const RunId = z.string().uuid({ message: 'run id must be a UUID' });

const Prompt = z.string().trim().min(1, { message: 'the prompt must not be empty' }).max(1000, { message: 'the prompt must be at most 1000 characters' });

/**
 * What an artist asks for. A preset fills in the stages and their budget (iterations, Gaussians, batch, schedule);
 * any field given here overrides it: `stages` replaces the preset's stage list, and the run-wide fields (method,
 * methodSettings, iterations, batchSize) apply to every stage that does not set its own (method and methodSettings
 * only where the preset's stage names no guidance of its own: its DMTet stage does); initialGaussians,
 * maxGaussians and training are shorthand for the settings of the Gaussian stages. Method and representation
 * settings are checked against their own schemas in the engine.
 */
export const RunRequest = z
  .object({
    prompt: Prompt,
    negativePrompt: z.string().max(1000).default(''),
    method: MethodName.default('vdm'),
    preset: PresetName.default('balanced'),
    /** A model's id from models.list: "demo" (pixel demo prior), "demo-latent", or the folder of an ONNX model pack. */
    model: z.string().min(1).default('demo'),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    iterations: z.number().int().min(1).max(100_000).optional(),
    /** Render size in pixels (square); the model's native size when omitted. */
    resolution: z.number().int().min(16).max(2048).optional(),
    batchSize: z.number().int().min(1).max(16).optional(),
    initialGaussians: z.number().int().min(1).max(1_000_000).optional(),
    maxGaussians: z.number().int().min(1).max(5_000_000).optional(),
    /** Snapshot every N iterations (denser during the first tenth); default from the preset. */
    snapshotEvery: z.number().int().min(1).optional(),
    methodSettings: z.record(z.string(), z.unknown()).default({}),
    /** Overrides of the 3DGS training settings (scene/gaussians/training-settings.ts). */
    training: z.record(z.string(), z.unknown()).default({}),
    /** The run's stages in order (the preset's when omitted). */
    stages: StageList.optional(),
  })
  .strict();
export type RunRequest = z.input<typeof RunRequest>;
export type ParsedRunRequest = z.output<typeof RunRequest>;

export const RUN_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed', 'interrupted'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const Run = z.object({
  id: RunId,
  projectId: ProjectId,
  name: z.string(),
  status: RunStatus,
  method: z.string(),
  prompt: z.string(),
  seed: z.number().int(),
  targetIterations: z.number().int(),
  /** Iteration of the newest committed snapshot (0 before the first). */
  lastIteration: z.number().int(),
  parentRunId: RunId.nullable(),
  parentIteration: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The resolved configuration the engine runs (request + preset + method settings with defaults). */
  config: z.record(z.string(), z.unknown()),
});
export type Run = z.infer<typeof Run>;

export const Snapshot = z.object({
  runId: RunId,
  iteration: z.number().int(),
  createdAt: z.string(),
  /** The stage (index into the run's config.stages) that produced it. */
  stage: z.number().int().min(0),
  /** Primitives in the payload: Gaussians (splats) or faces (mesh). */
  gaussians: z.number().int(),
  payloadKind: PayloadKind,
  /** Content hashes of the payloads under KILN_HOME/blobs. */
  payloadBlob: z.string(),
  thumbnailBlob: z.string().nullable(),
  /** Only the newest snapshot of a run keeps its optimizer checkpoint (what resume needs). */
  hasCheckpoint: z.boolean(),
  metrics: z.record(z.string(), z.number()),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** One progress report of a running run (throttled by the engine). */
export const RunProgress = z.object({
  runId: RunId,
  iteration: z.number().int(),
  targetIterations: z.number().int(),
  /** The current stage's representation, its index in the run's stages and how many there are. */
  stage: RepresentationName,
  stageIndex: z.number().int().min(0),
  stageCount: z.number().int().min(1),
  t: z.number(),
  terms: z.record(z.string(), z.number()),
  gaussians: z.number().int(),
  iterationsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  /** The method's x̂₀ for the first view as a PNG data URL (throttled, about once a second; absent otherwise). */
  preview: z.string().startsWith('data:image/png;base64,').optional(),
});
export type RunProgress = z.infer<typeof RunProgress>;
