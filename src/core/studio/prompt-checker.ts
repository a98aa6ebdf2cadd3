import { resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import type { PromptCheck } from '../../shared/models';
import { loadClipTokenizer, type ClipTokenizer } from '../diffusion/clip-tokenizer';
import { demoTokenizer } from '../diffusion/demo/build-demo-pack';
import { checkDemoPrompt } from '../diffusion/demo/prompt-check';
import { describePack } from '../diffusion/model-pack';
import { isDemoModel } from '../pipeline/open-run-prior';

export interface PromptCheckInput {
  model: string;
  prompt: string;
  negativePrompt?: string;
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

  check({ model, prompt, negativePrompt = '' }: PromptCheckInput): PromptCheck {
    let tokenizer: ClipTokenizer | undefined;
    let problem: string | null;
    if (isDemoModel(model)) {
      tokenizer = this.demo ??= demoTokenizer();
      problem =
        problemOf(() => checkDemoPrompt(prompt)) ??
        (negativePrompt.trim() ? problemOf(() => checkDemoPrompt(negativePrompt, 'negative prompt')) : null);
    } else {
      problem = problemOf(() => {
        const pack = describePack(resolve(model));
        if (pack.manifest.kind === 'view-conditioned') {
          throw new KilnError('invalid-request', `${model} is a view-conditioned (image-to-3D) pack: it takes a reference image, not a prompt`);
        }
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
