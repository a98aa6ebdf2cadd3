import { z } from 'zod';
import { EngineInfo } from './engine-info';
import type { StudioEvent } from './events';
import { Project, ProjectId, ProjectName } from './projects';
import { ReferencePreview, ReferencePreviewRequest, Run, RUN_NAME_MAX, RunId, RunPlace, RunRequest, RunRequestFields, Snapshot } from './runs';
import { ExportFormatInfo, MethodInfo } from './catalog';
import { ExportRequest, ExportResult, ExportToFileResult } from './exports';
import { AddModelFromDialogResult, ModelId, ModelInfo, PromptCheck, PromptCheckRequest } from './models';
import { BlobHash } from './blobs';

/**
 * The StudioApi contract. Every method has a request and a response schema; transports (Electron IPC, HTTP) carry
 * `{ method, request }` and validate the request against this table before the service sees it.
 */
export const studioMethods = {
  'projects.list': { request: z.object({}).strict(), response: z.array(Project) },
  'projects.create': { request: z.object({ name: ProjectName }).strict(), response: Project },
  'projects.rename': { request: z.object({ id: ProjectId, name: ProjectName }).strict(), response: Project },
  'projects.delete': { request: z.object({ id: ProjectId }).strict(), response: z.object({ id: ProjectId }) },
  'projects.open': { request: z.object({ id: ProjectId }).strict(), response: Project },
  'engine.info': { request: z.object({}).strict(), response: EngineInfo },
  'runs.list': { request: z.object({ projectId: ProjectId }).strict(), response: z.array(Run) },
  'runs.get': { request: z.object({ runId: RunId }).strict(), response: Run },
  /**
   * Records the run and starts it in an engine process, or on the studio's farm (`runOn`: the farm by default when it
   * has one; see engine.info); progress and snapshots arrive as events.
   */
  'runs.start': {
    request: z.object({ projectId: ProjectId, request: RunRequest, name: z.string().max(RUN_NAME_MAX).optional(), runOn: RunPlace.optional() }).strict(),
    response: Run,
  },
  /** Stops after the current iteration with a snapshot: `cancel` ends the run, `pause` leaves it resumable. */
  'runs.stop': { request: z.object({ runId: RunId, mode: z.enum(['cancel', 'pause']).default('cancel') }).strict(), response: Run },
  'runs.resume': { request: z.object({ runId: RunId }).strict(), response: Run },
  'runs.timeline': { request: z.object({ runId: RunId }).strict(), response: z.array(Snapshot) },
  /** A new run from a snapshot of another, with overrides of its request (method, prompt, seed, settings). */
  'runs.branch': {
    request: z.object({ runId: RunId, iteration: z.number().int().min(0), overrides: RunRequestFields.partial().default({}), name: z.string().max(RUN_NAME_MAX).optional() }).strict(),
    response: Run,
  },
  /** Every distillation method with its settings schema (JSON Schema) and what each preset sets. */
  'methods.list': { request: z.object({}).strict(), response: z.array(MethodInfo) },
  /** Token count and problems of a prompt for a model, without loading the model's networks. */
  'prompts.check': { request: PromptCheckRequest, response: PromptCheck },
  /** A reference photo cut out and framed as a run on `model` (demo-view by default) would take it; nothing is stored. */
  'references.preview': { request: ReferencePreviewRequest, response: ReferencePreview },
  /** The built-in demo priors and the registered model packs (each re-validated). */
  'models.list': { request: z.object({}).strict(), response: z.array(ModelInfo) },
  /** Registers a model pack folder after validating it ('model-pack' error naming the file and the problem). */
  'models.add': { request: z.object({ path: z.string().trim().min(1, { message: 'path must not be empty' }).max(4096) }).strict(), response: ModelInfo },
  /** Electron only: the artist picks the folder in a native dialog (paths never come from the renderer), then as models.add. */
  'models.addFromDialog': { request: z.object({}).strict(), response: AddModelFromDialogResult },
  /** Forgets a registered pack (its files stay); built-in priors cannot be removed. */
  'models.remove': { request: z.object({ id: ModelId }).strict(), response: z.object({ id: ModelId }) },
  /** The export formats with their option schemas. */
  'exports.formats': { request: z.object({}).strict(), response: z.array(ExportFormatInfo) },
  /**
   * The bytes of a snapshot payload (compact Gaussians, see shared/compact-gaussians) or thumbnail. Over HTTP the
   * server answers with the raw bytes (application/octet-stream); use fetchSnapshotGaussians in the renderer.
   */
  'snapshots.payload': { request: z.object({ blob: BlobHash }).strict(), response: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes' }) },
  /** Writes an export into the blob store, recorded as an asset of the run (the browser then downloads it). */
  'runs.export': { request: ExportRequest, response: ExportResult },
  /** Electron only: exports through a native save dialog (paths never come from the renderer). */
  'runs.exportToFile': { request: ExportRequest, response: ExportToFileResult },
} as const;

export type StudioMethods = typeof studioMethods;
export type StudioMethod = keyof StudioMethods;
export type StudioRequest<M extends StudioMethod> = z.input<StudioMethods[M]['request']>;
export type StudioParsedRequest<M extends StudioMethod> = z.output<StudioMethods[M]['request']>;
export type StudioResponse<M extends StudioMethod> = z.output<StudioMethods[M]['response']>;

export const STUDIO_METHOD_NAMES = Object.keys(studioMethods) as StudioMethod[];

export function isStudioMethod(name: string): name is StudioMethod {
  return Object.prototype.hasOwnProperty.call(studioMethods, name);
}

/** What a client calls: one generic function, so both transports implement exactly one thing. */
export interface StudioApi {
  call<M extends StudioMethod>(method: M, request: StudioRequest<M>): Promise<StudioResponse<M>>;
  /** Subscribe to the event stream; returns an unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
}

/** The engine side: one handler per method, receiving the already-validated request. */
export type StudioHandlers = {
  [M in StudioMethod]: (request: StudioParsedRequest<M>) => Promise<StudioResponse<M>> | StudioResponse<M>;
};
