import { z } from 'zod';
import { BlobHash } from './blobs';
import { ProjectId } from './projects';

/** The distillation methods a run can use (core/distill/registry.ts registers one definition for each name). */
export const METHOD_NAMES = ['sds', 'ism', 'tsm', 'sdi', 'ge3d', 'vdm', 'dtc'] as const;
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

/** The largest reference photo a run takes (its file's bytes; base64 in JSON is 4/3 of that). */
export const REFERENCE_IMAGE_MAX_BYTES = 16 * 1024 * 1024;
const BASE64_MAX_CHARS = Math.ceil(REFERENCE_IMAGE_MAX_BYTES / 3) * 4;
/** A reference photo's file bytes in base64. */
const ReferenceImageData = z
  .string()
  .max(BASE64_MAX_CHARS, { message: `the reference image must be at most ${REFERENCE_IMAGE_MAX_BYTES / 1024 / 1024} MiB` })
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'the reference image data must be base64' });

/**
 * The reference photo of an image run (docs/reference-images.md, "Image runs"): the file's bytes in base64 (PNG,
 * JPEG or WebP, at most 16 MiB) or a photo already in the Kiln home's blob store (a run's `referenceImage.blob`:
 * branches carry it this way), and the camera it is taken to be seen from. By convention the reference camera looks
 * from azimuth 0 (the object's front, +Z); its elevation defaults to 0° and its distance and field of view to the
 * model's training cameras. `settings` adjust the cut-out and framing (the size and the background are the prior's).
 */
const ReferenceImageFields = z
  .object({
    data: ReferenceImageData.optional(),
    blob: BlobHash.optional(),
    /** The file name, shown in the run list and in errors ("photo.png"). */
    name: z.string().trim().min(1).max(255).default('reference image'),
    elevationDeg: z.number().min(-89).max(89).default(0),
    fovYDeg: z.number().gt(0).lt(180).optional(),
    radiusM: z.number().positive().max(1000).optional(),
    settings: z
      .object({
        borderRatio: z.number().min(0).max(0.9).optional(),
        recentre: z.boolean().optional(),
        foregroundThreshold: z.number().gt(0).max(1.8).optional(),
        maxHoleFraction: z.number().min(0).max(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export const ReferenceImageRequest = ReferenceImageFields.refine((r) => (r.data === undefined) !== (r.blob === undefined), {
  message: 'give the reference image as either `data` (base64 bytes) or `blob` (a stored image), not both or neither',
});
export type ReferenceImageRequest = z.input<typeof ReferenceImageRequest>;

/**
 * What the studio's reference-image panel asks before Generate: the photo cut out and framed with these settings,
 * as the model would take it (references.preview).
 */
export const ReferencePreviewRequest = ReferenceImageFields.pick({ name: true, settings: true })
  .extend({ data: ReferenceImageData, model: z.string().min(1).optional() })
  .strict();

export const ReferencePreview = z.object({
  /** The cut-out, framed (RGBA PNG, the mask as alpha), and the mask alone (grey PNG), as data URLs. */
  cutout: z.string().startsWith('data:image/png;base64,'),
  mask: z.string().startsWith('data:image/png;base64,'),
  maskSource: z.enum(['alpha', 'segmentation-pack', 'built-in']),
  warnings: z.array(z.string()),
  /** The photo's own size in pixels, upright. */
  width: z.number().int(),
  height: z.number().int(),
});
export type ReferencePreview = z.infer<typeof ReferencePreview>;

/** The text model a photo run reads its caption with when it names none (RunRequest.textModel): the text demo prior. */
export const DEFAULT_TEXT_MODEL = 'demo';

/**
 * What an artist asks for. A preset fills in the stages and their budget (iterations, Gaussians, batch, schedule);
 * any field given here overrides it: `stages` replaces the preset's stage list, and the run-wide fields (method,
 * methodSettings, iterations, batchSize) apply to every stage that does not set its own (method and methodSettings
 * only where the preset's stage names no guidance of its own: its DMTet stage does); initialGaussians,
 * maxGaussians and training are shorthand for the settings of the Gaussian stages. Method and representation
 * settings are checked against their own schemas in the engine.
 */
export const RunRequestFields = z
  .object({
    /** What to make; optional when a reference image is given (then a caption for methods with a text teacher). */
    prompt: Prompt.optional(),
    /** Condition the run on a photo (a view-conditioned model: "demo-view" by default). */
    referenceImage: ReferenceImageRequest.optional(),
    negativePrompt: z.string().max(1000).default(''),
    method: MethodName.default('vdm'),
    preset: PresetName.default('balanced'),
    /**
     * A model's id from models.list: "demo" (pixel demo prior), "demo-latent", "demo-view" (view-conditioned), or the
     * folder of an ONNX model pack; "demo" for text runs and "demo-view" for image runs when omitted.
     */
    model: z.string().min(1).optional(),
    /**
     * A photo run's second model, for methods with a text teacher (DTC123's mesh stage, docs/dtc123.md#teacher): a
     * text-to-image model's id, as `model` takes it, that reads the prompt as the photo's caption. "demo" (the
     * built-in text demo prior) when omitted and the run has a caption and a stage that uses a text teacher.
     */
    textModel: z.string().min(1).optional(),
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
/** A run request as a whole: its fields, and at least one of a prompt and a reference image. */
export const RunRequest = RunRequestFields.refine((r) => r.prompt !== undefined || r.referenceImage !== undefined, {
    message: 'give a prompt, a reference image, or both',
    path: ['prompt'],
  });
export type RunRequest = z.input<typeof RunRequest>;
export type ParsedRunRequest = z.output<typeof RunRequest>;

/** Where a studio with a farm runs a new run: its own engine processes, or the farm's workers. */
export const RunPlace = z.enum(['this-machine', 'farm']);
export type RunPlace = z.infer<typeof RunPlace>;

export const RUN_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed', 'interrupted'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const Run = z.object({
  id: RunId,
  projectId: ProjectId,
  name: z.string(),
  status: RunStatus,
  method: z.string(),
  /** Null for a run conditioned on a reference image alone. */
  prompt: z.string().nullable(),
  /** The reference photo of an image run: its original file in the blob store and its name. */
  referenceImage: z.object({ blob: BlobHash, name: z.string() }).nullable(),
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
  /** The farm worker running it, or that last ran it (host:pid); null for runs on the studio's own machine. */
  worker: z.string().nullable().optional(),
});
export type Run = z.infer<typeof Run>;

/** How a run is named in lists and messages: its prompt, or its reference photo's name. */
export function runSubject(run: Pick<Run, 'prompt' | 'referenceImage'>): string {
  if (run.prompt !== null && run.referenceImage) return `${run.prompt} (from ${run.referenceImage.name})`;
  return run.prompt ?? `from ${run.referenceImage?.name ?? 'an image'}`;
}

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
