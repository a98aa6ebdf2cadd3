import { resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import type { PromptCheck } from '../../shared/models';
import { loadClipTokenizer, type ClipTokenizer } from '../diffusion/clip-tokenizer';
import { demoTokenizer } from '../diffusion/demo/build-demo-pack';
import { checkDemoPrompt } from '../diffusion/demo/prompt-check';
import { describePack } from '../diffusion/model-pack';
import type { PriorKind } from '../diffusion/prior';
import { checkModelAndConditioning, isDemoModel, modelFacts } from '../pipeline/open-run-prior';
import { checkTextModelFits } from '../pipeline/text-teacher';

export interface PromptCheckInput {
  model: string;
  prompt: string;
  negativePrompt?: string;
  /** An image run: the model must be view-conditioned; the prompt is an optional caption it does not read. */
  image?: boolean;
  /** An image run whose caption feeds a text teacher: its text model, which reads the caption. */
  textModel?: string;
}

/** Whether the model is of this kind; a model that cannot be described is not (its problem is reported later). */
function modelKindIs(model: string, kind: PriorKind): boolean {
  try {
    return modelFacts(model).kind === kind;
  } catch (err) {
    if (err instanceof KilnError) return false;
    throw err;
  }
}

/** The message of a user-facing failure (KilnError); anything else is a bug and propagates. */
function problemOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof KilnError) return err.message;
    throw err;
  }
}

/**
 * Counts a prompt's tokens with the model's own tokenizer and says what would stop a run, while the artist types:
 * no ONNX session is opened, and no demo pack is built (the demo tokenizer is made in memory).
 */
export class PromptChecker {
  private readonly tokenizers = new Map<string, ClipTokenizer>();
  private demo: ClipTokenizer | undefined;

  check({ model, prompt, negativePrompt = '', image = false, textModel }: PromptCheckInput): PromptCheck {
    if (image || modelKindIs(model, 'view-conditioned')) {
      const problem = problemOf(() => checkModelAndConditioning({ model, prompt: prompt.trim() || null, negativePrompt, image }));
      // A caption that feeds a text teacher is the text model's prompt: checked and counted as one.
      if (problem !== null || !image || textModel === undefined || prompt.trim() === '') return { tokenCount: 0, maxTokens: 0, truncated: false, problem };
      return this.checkText(textModel, prompt, negativePrompt, problemOf(() => checkTextModelFits({ model, textModel, prompt, negativePrompt })));
    }
    return this.checkText(model, prompt, negativePrompt, null);
  }

  /** A text-to-image model's verdict on its prompt; `before`, a problem already found, is the one shown. */
  private checkText(model: string, prompt: string, negativePrompt: string, before: string | null): PromptCheck {
    let tokenizer: ClipTokenizer | undefined;
    let problem: string | null;
    if (before !== null) {
      problem = before;
    } else if (isDemoModel(model)) {
      tokenizer = this.demo ??= demoTokenizer();
      problem =
        problemOf(() => checkDemoPrompt(prompt)) ??
        (negativePrompt.trim() ? problemOf(() => checkDemoPrompt(negativePrompt, 'negative prompt')) : null);
    } else {
      problem = problemOf(() => {
        const pack = describePack(resolve(model));
        if (pack.tokenizerDirs.tokenizer) tokenizer = this.tokenizer(pack.tokenizerDirs.tokenizer);
      });
    }
    if (!problem && prompt.trim() === '') problem = 'the prompt is empty; describe the object to generate';
    if (!tokenizer) return { tokenCount: 0, maxTokens: 0, truncated: false, problem };
    const tokenized = tokenizer.tokenize(prompt);
    const negativeTruncated = negativePrompt.trim() !== '' && tokenizer.tokenize(negativePrompt).truncated;
    return { tokenCount: tokenized.count, maxTokens: tokenizer.maxLength, truncated: tokenized.truncated || negativeTruncated, problem };
  }

  private tokenizer(dir: string): ClipTokenizer {
    let tokenizer = this.tokenizers.get(dir);
    if (!tokenizer) {
      tokenizer = loadClipTokenizer(dir);
      this.tokenizers.set(dir, tokenizer);
    }
    return tokenizer;
  }
}
