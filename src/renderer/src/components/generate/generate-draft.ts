import type { MethodInfo } from '../../../../shared/catalog';
import { METHOD_NAMES, PRESET_NAMES, type MethodName, type PayloadKind, type PresetName, type RunRequest, type StageRequest } from '../../../../shared/runs';
import { changedSettings, settingsWith, type JsonSchema, type SettingsValues } from './json-schema-values';

/**
 * What a run delivers: a mesh (the Gaussians, then a DMTet stage that refines a surface from them; its GLB is that
 * surface), the studio's default since a GLB is what most artists take away, as `kiln generate --out X.glb` does; or
 * splats alone (one Gaussian stage; a GLB is then meshed from the splats at export).
 */
export const OUTPUTS = ['mesh', 'splats'] as const;
export type Output = (typeof OUTPUTS)[number];

/** What the generate panel holds while the artist edits it. */
export interface GenerateDraft {
  prompt: string;
  negativePrompt: string;
  method: MethodName;
  preset: PresetName;
  model: string;
  seed: number;
  output: Output;
  /** null: the preset's number. With a mesh output, the Gaussian stage's; from a mesh snapshot, the mesh stage's. */
  iterations: number | null;
  /** The mesh stage's iterations for a mesh output; null: the preset's. */
  meshIterations: number | null;
  /** Every setting of the method (defaults included); only changed ones are sent. */
  methodSettings: SettingsValues;
  /** The reference photo of an image run (the prompt is then an optional caption), or null for a text run. */
  referenceImage: DraftReference | null;
  /** The text model that reads a photo run's caption for a text teacher (captionFeedsTextTeacher); null: the engine's default. */
  textModel: string | null;
}

/** The reference-image panel's state: the photo's bytes (base64), its name, its camera elevation and cut-out settings. */
export interface DraftReference {
  data: string;
  name: string;
  elevationDeg: number;
  settings: { foregroundThreshold: number; borderRatio: number; recentre: boolean };
}

export const MAX_SEED = 0xffffffff;

export function initialDraft(): GenerateDraft {
  return { prompt: '', negativePrompt: '', method: 'vdm', preset: 'fast', model: 'demo', seed: 0, output: 'mesh', iterations: null, meshIterations: null, methodSettings: {}, referenceImage: null, textModel: null };
}

/**
 * Whether the draft's caption feeds its method's text teacher (DTC123's, docs/dtc123.md): a photo run (`image`: a new
 * photo, or a branch of a photo run) with a caption and a method that has one. Only then is a text model chosen.
 */
export function captionFeedsTextTeacher(draft: GenerateDraft, methods: readonly MethodInfo[], image: boolean): boolean {
  const method = methods.find((m) => m.name === draft.method);
  return image && draft.prompt.trim() !== '' && (method?.textTeacherIn.length ?? 0) > 0;
}

function schemaOf(methods: readonly MethodInfo[], name: MethodName): JsonSchema {
  return (methods.find((m) => m.name === name)?.settingsSchema ?? {}) as JsonSchema;
}

/** The draft with another method chosen: that method's defaults, since one method's settings mean nothing to another. */
export function withMethod(draft: GenerateDraft, methods: readonly MethodInfo[], method: MethodName): GenerateDraft {
  return { ...draft, method, methodSettings: settingsWith(schemaOf(methods, method), undefined) };
}

function oneOf<T extends string>(options: readonly T[], value: unknown, fallback: T): T {
  return options.includes(value as T) ? (value as T) : fallback;
}

/** A request's output: a mesh when one of its stages is a DMTet mesh. */
export function outputOf(request: Partial<RunRequest>): Output {
  return request.stages?.some((s) => s.representation === 'dmtet') ? 'mesh' : 'splats';
}

/** A draft filled from a stored request (a branch's parent), method settings laid over the method's defaults. */
export function draftFromRequest(request: Partial<RunRequest>, methods: readonly MethodInfo[]): GenerateDraft {
  const base = initialDraft();
  const method = oneOf(METHOD_NAMES, request.method, base.method);
  const firstStage = request.stages?.[0];
  return {
    prompt: request.prompt ?? base.prompt,
    negativePrompt: request.negativePrompt ?? base.negativePrompt,
    method,
    preset: oneOf(PRESET_NAMES, request.preset, 'balanced'),
    // A request without a model ran on the default for its conditioning (the view demo prior for a photo).
    model: request.model ?? (request.referenceImage ? 'demo-view' : base.model),
    seed: request.seed ?? base.seed,
    output: outputOf(request),
    iterations: request.iterations ?? (firstStage?.representation === 'gaussians' ? firstStage.iterations : undefined) ?? null,
    meshIterations: request.stages?.find((s) => s.representation === 'dmtet')?.iterations ?? null,
    textModel: request.textModel ?? null,
    methodSettings: settingsWith(schemaOf(methods, method), request.methodSettings),
    // A branch keeps its parent's photo (the engine carries it); the panel starts a new photo only for new runs.
    referenceImage: null,
  };
}

/** The request for runs.start: only the method settings that differ from the method's defaults. */
export function runRequestFromDraft(draft: GenerateDraft, methods: readonly MethodInfo[]): RunRequest {
  return { ...requestFields(draft, methods, draft.referenceImage !== null), stages: stagePlan(draft), methodSettings: changedSettings(schemaOf(methods, draft.method), draft.methodSettings) };
}

/**
 * Everything a request takes from the draft except the method settings, the stages and the iterations; the text
 * model only where the caption feeds a text teacher (`image`: the run has a photo) and one was chosen.
 */
function requestFields(draft: GenerateDraft, methods: readonly MethodInfo[], image: boolean): Omit<RunRequest, 'methodSettings'> {
  return {
    ...(draft.textModel !== null && captionFeedsTextTeacher(draft, methods, image) ? { textModel: draft.textModel } : {}),
    // An image run's caption is optional (and a branch keeps its parent's prompt): an empty one is left out.
    ...(draft.prompt.trim() !== '' ? { prompt: draft.prompt } : {}),
    ...(draft.referenceImage ? { referenceImage: draft.referenceImage } : {}),
    negativePrompt: draft.negativePrompt,
    method: draft.method,
    preset: draft.preset,
    model: draft.model,
    seed: draft.seed,
  };
}

/**
 * The stages for the draft's output, starting from nothing or from a snapshot holding `from`. Splats are one
 * Gaussian stage (named, so a method whose preset adds a mesh stage, DTC123, runs splats alone as the panel says);
 * a mesh runs the Gaussians, then DMTet, the iterations field sizing the Gaussian stage and the mesh iterations field
 * the DMTet stage; a start from a mesh is the mesh stage alone, the iterations field sizing it. `presetMesh`, when
 * given, sizes a DMTet stage whose field is empty explicitly (a branch must: the parent's run-wide iterations would
 * apply to it).
 */
function stagePlan(draft: GenerateDraft, from: PayloadKind = 'splats', presetMesh?: number): StageRequest[] {
  const sized = (n: number | null | undefined) => (n !== null && n !== undefined ? { iterations: n } : {});
  const mesh: StageRequest = { representation: 'dmtet', ...sized((from === 'mesh' ? draft.iterations : draft.meshIterations) ?? presetMesh) };
  if (from === 'mesh') return [mesh];
  const gaussians: StageRequest = { representation: 'gaussians', ...sized(draft.iterations) };
  return draft.output === 'mesh' ? [gaussians, mesh] : [gaussians];
}

/**
 * The overrides for runs.branch from a snapshot holding `from`. The engine lays them over the parent's request and,
 * for the same method, merges the parent's method settings under them; sending every setting makes the branch run
 * exactly what the panel shows. The stage list is always sent, so the output the panel shows is the branch's, not
 * its parent's: a branch from splats runs the Gaussians (then the mesh, for a mesh output); from a mesh, the mesh
 * stage (the engine's own choice too, which the output cannot change).
 */
export function branchOverridesFromDraft(draft: GenerateDraft, methods: readonly MethodInfo[], from: PayloadKind = 'splats', image = false): Partial<RunRequest> {
  const preset = methods.find((m) => m.name === draft.method)?.presets.find((p) => p.name === draft.preset);
  return { ...requestFields(draft, methods, image), stages: stagePlan(draft, from, preset?.meshIterations), methodSettings: draft.methodSettings };
}

/** A seed for the dice button (the renderer's randomness; the engine's own flows from this seed). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
