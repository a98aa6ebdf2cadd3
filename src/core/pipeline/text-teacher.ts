import { KilnError } from '../../shared/errors';
import { DEFAULT_TEXT_MODEL, type RepresentationName } from '../../shared/runs';
import { checkDemoPrompt } from '../diffusion/demo/prompt-check';
import type { SessionSettings } from '../diffusion/session-settings';
import type { TextTeacher } from '../distill/guidance';
import { methodByName } from '../distill/registry';
import { isDemoModel, modelFacts, openRunPrior } from './open-run-prior';

/** What the text teacher's choices depend on (a resolved run config has all of it). */
export interface TextTeacherInput {
  model: string;
  textModel: string | null;
  prompt: string | null;
  negativePrompt: string;
  /** Whether the run has a reference image. */
  image: boolean;
  stages: readonly { method: string; representation: RepresentationName }[];
}

/** Whether a stage's method takes a text teacher in a stage of its representation (DTC123: its mesh stage). */
export function usesTextTeacher(stage: { method: string; representation: RepresentationName }): boolean {
  return methodByName(stage.method).textTeacherIn?.includes(stage.representation) ?? false;
}

/** Stages as a message names them: "dtc on dmtet", each kind once. */
function stageList(stages: TextTeacherInput['stages']): string {
  return [...new Set(stages.map((s) => `${s.method} on ${s.representation}`))].join(', ');
}

/**
 * The run's text model: the one requested, else the text demo prior when a photo run has a caption and a stage
 * with a text teacher (as an image run defaults to the view demo prior); null when the run has no text teacher.
 */
export function resolveTextModel(requested: string | undefined, run: Pick<TextTeacherInput, 'image' | 'prompt' | 'stages'>): string | null {
  if (requested !== undefined) return requested;
  return run.image && run.prompt !== null && run.stages.some(usesTextTeacher) ? DEFAULT_TEXT_MODEL : null;
}

/**
 * Refuses, before a run is recorded, a text model the run cannot use: one without a photo, without a caption or
 * without a stage whose method has a text teacher, and one that does not fit (checkTextModelFits).
 */
export function checkTextModel(run: TextTeacherInput): void {
  const { textModel, prompt, image, stages } = run;
  if (textModel === null) return;
  const leaveOut = 'or leave the text model (--text-model) out';
  if (!image) {
    throw new KilnError('invalid-request', `a text model (${textModel}) is the text teacher of a photo run, and this run has no reference image; give --image, ${leaveOut} (a text run distils its --model directly)`);
  }
  if (prompt === null) throw new KilnError('invalid-request', `the text model (${textModel}) reads the photo's caption, and this run has none; give one with --prompt "what the photo shows", ${leaveOut}`);
  if (!stages.some(usesTextTeacher)) {
    throw new KilnError('invalid-request', `no stage of this run (${stageList(stages)}) has a text teacher (DTC123's mesh stage does: --method dtc); ${leaveOut}`);
  }
  checkTextModelFits({ ...run, textModel, prompt });
}

/**
 * Whether a text model can teach beside the run's model: it must be text-to-image, of the same resolution (the text
 * teacher scores the same renders), and — the text demo prior — know the caption's words.
 */
export function checkTextModelFits({ model, textModel, prompt, negativePrompt }: { model: string; textModel: string; prompt: string; negativePrompt: string }): void {
  const text = modelFacts(textModel);
  if (text.kind !== 'text-to-image') {
    throw new KilnError('invalid-request', `${textModel} is a view-conditioned model; the text teacher needs a text-to-image model (demo, demo-latent or a text pack's folder)`);
  }
  const { imageSize } = modelFacts(model);
  if (text.imageSize !== imageSize) {
    throw new KilnError('invalid-request', `the text model ${textModel} works at ${text.imageSize}×${text.imageSize} pixels and ${model} at ${imageSize}×${imageSize}; the text teacher scores the same renders, so choose a text model of the same size`);
  }
  if (!isDemoModel(textModel)) return;
  checkDemoPrompt(prompt, `caption (the text teacher reads it with ${textModel}; --text-model names another text model)`);
  if (negativePrompt.trim()) checkDemoPrompt(negativePrompt, 'negative prompt');
}

/**
 * What a photo run's caption does, for the command line to say: it steers the text teacher (on which model, in
 * which stages), or — with no stage that has one — nothing but describe the run, which is what a caption on such a
 * run is for (docs/reference-images.md, "Image runs"). Null for a run without a photo or without a caption.
 */
export function captionNote({ textModel, prompt, image, stages }: Omit<TextTeacherInput, 'model' | 'negativePrompt'>): string | null {
  if (!image || prompt === null) return null;
  if (textModel === null) {
    return `the caption is kept as the run's description: no stage of this run (${stageList(stages)}) has a text teacher, so it does not steer the result (DTC123's mesh stage would: --method dtc)`;
  }
  return `the caption steers the text teacher of the ${stageList(stages.filter(usesTextTeacher))} stage, read by the text model ${textModel}`;
}

/**
 * Opens a run's text teacher (docs/dtc123.md#teacher): the text model's prior and the caption encoded by its text
 * encoder. The caller closes `prior` with the run.
 */
export async function openTextTeacher(
  home: string,
  run: Pick<TextTeacherInput, 'textModel' | 'prompt' | 'negativePrompt'>,
  threads: number,
  executionProvider?: SessionSettings['executionProvider'],
): Promise<TextTeacher | undefined> {
  if (run.textModel === null) return undefined;
  const prior = await openRunPrior(home, run.textModel, threads, executionProvider);
  try {
    return { prior, conditioning: await prior.encodeText(run.prompt ?? '', run.negativePrompt) };
  } catch (err) {
    await prior.close();
    throw err;
  }
}
