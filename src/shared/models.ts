import { z } from 'zod';

/** Model ids of the built-in demo priors, always listed. */
export const BUILT_IN_MODEL_IDS = ['demo', 'demo-latent', 'demo-view'] as const;

export const ModelId = z.string().trim().min(1, { message: 'model id must not be empty' }).max(200);

/** A diffusion model pack the studio can run: a built-in demo prior or a registered folder. */
export const ModelInfo = z.object({
  /** What a run request's `model` field takes. */
  id: ModelId,
  name: z.string(),
  /** text-to-image | view-conditioned (kiln.json's kind). */
  kind: z.string(),
  builtIn: z.boolean(),
  /** The pack's folder; null for built-in priors (built on first use). */
  path: z.string().nullable(),
  /** Native image size in pixels, when known. */
  imageSize: z.number().int().nullable(),
  /** false when the folder is gone or no longer a valid pack; `error` says why. */
  ok: z.boolean(),
  error: z.string().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const PromptCheckRequest = z
  .object({
    model: ModelId,
    prompt: z.string().max(1000),
    negativePrompt: z.string().max(1000).optional(),
    /** The run has a reference image: the model must be view-conditioned, and the prompt is an optional caption. */
    image: z.boolean().default(false),
    /** An image run whose caption feeds a text teacher: the text model that reads it (checked and counted with it). */
    textModel: ModelId.optional(),
  })
  .strict();

export const PromptCheck = z.object({
  /** Tokens of the prompt including start/end tokens. */
  tokenCount: z.number().int(),
  /** The text encoder's context length (77 for CLIP). */
  maxTokens: z.number().int(),
  /** true when the prompt (or negative prompt) is longer than maxTokens and the end will be ignored. */
  truncated: z.boolean(),
  /** Why the model cannot take this prompt (e.g. the demo prior's unknown words); null when it can. */
  problem: z.string().nullable(),
});
export type PromptCheck = z.infer<typeof PromptCheck>;

/** What adding a pack through the desktop app's folder dialog did: nothing (cancelled), or the added pack. */
export const AddModelFromDialogResult = z.discriminatedUnion('added', [
  z.object({ added: z.literal(false) }),
  z.object({ added: z.literal(true), model: ModelInfo }),
]);
export type AddModelFromDialogResult = z.infer<typeof AddModelFromDialogResult>;
