import type { MethodInfo } from '../../../../shared/catalog';
import { METHOD_NAMES, PRESET_NAMES, type MethodName, type PresetName, type RunRequest } from '../../../../shared/runs';
import { changedSettings, settingsWith, type JsonSchema, type SettingsValues } from './json-schema-values';

/** What the generate panel holds while the artist edits it. */
export interface GenerateDraft {
  prompt: string;
  negativePrompt: string;
  method: MethodName;
  preset: PresetName;
  model: string;
  seed: number;
  /** null: the preset's number. */
  iterations: number | null;
  /** Every setting of the method (defaults included); only changed ones are sent. */
  methodSettings: SettingsValues;
  /** The reference photo of an image run (the prompt is then an optional caption), or null for a text run. */
  referenceImage: DraftReference | null;
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
  return { prompt: '', negativePrompt: '', method: 'vdm', preset: 'fast', model: 'demo', seed: 0, iterations: null, methodSettings: {}, referenceImage: null };
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

/** A draft filled from a stored request (a branch's parent), method settings laid over the method's defaults. */
export function draftFromRequest(request: Partial<RunRequest>, methods: readonly MethodInfo[]): GenerateDraft {
  const base = initialDraft();
  const method = oneOf(METHOD_NAMES, request.method, base.method);
  return {
    prompt: request.prompt ?? base.prompt,
    negativePrompt: request.negativePrompt ?? base.negativePrompt,
    method,
    preset: oneOf(PRESET_NAMES, request.preset, 'balanced'),
    // A request without a model ran on the default for its conditioning (the view demo prior for a photo).
    model: request.model ?? (request.referenceImage ? 'demo-view' : base.model),
    seed: request.seed ?? base.seed,
    iterations: request.iterations ?? null,
    methodSettings: settingsWith(schemaOf(methods, method), request.methodSettings),
    // A branch keeps its parent's photo (the engine carries it); the panel starts a new photo only for new runs.
    referenceImage: null,
  };
}

/** The request for runs.start: only the method settings that differ from the method's defaults. */
export function runRequestFromDraft(draft: GenerateDraft, methods: readonly MethodInfo[]): RunRequest {
  return { ...requestFields(draft), methodSettings: changedSettings(schemaOf(methods, draft.method), draft.methodSettings) };
}

/** Everything a request takes from the draft except the method settings. */
function requestFields(draft: GenerateDraft): Omit<RunRequest, 'methodSettings'> {
  return {
    // An image run's caption is optional (and a branch keeps its parent's prompt): an empty one is left out.
    ...(draft.prompt.trim() !== '' ? { prompt: draft.prompt } : {}),
    ...(draft.referenceImage ? { referenceImage: draft.referenceImage } : {}),
    negativePrompt: draft.negativePrompt,
    method: draft.method,
    preset: draft.preset,
    model: draft.model,
    seed: draft.seed,
    ...(draft.iterations !== null ? { iterations: draft.iterations } : {}),
  };
}

/**
 * The overrides for runs.branch. The engine lays them over the parent's request and, for the same method, merges the
 * parent's method settings under them; sending every setting makes the branch run exactly what the panel shows.
 */
export function branchOverridesFromDraft(draft: GenerateDraft): Partial<RunRequest> {
  return { ...requestFields(draft), methodSettings: draft.methodSettings };
}

/** A seed for the dice button (the renderer's randomness; the engine's own flows from this seed). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
