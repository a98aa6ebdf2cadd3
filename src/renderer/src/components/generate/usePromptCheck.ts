import { useEffect, useState } from 'react';
import type { PromptCheck } from '../../../../shared/models';
import { useStudioApi } from '../../api/context';

const DEBOUNCE_MS = 250;

/**
 * The model's verdict on a prompt (token count, truncation, unknown words), asked for once typing pauses; a photo
 * run's caption that feeds a text teacher is checked as `textModel`'s prompt.
 */
export function usePromptCheck(model: string, prompt: string, negativePrompt: string, image = false, textModel?: string): { check: PromptCheck | null; error: string | null } {
  const api = useStudioApi();
  const [check, setCheck] = useState<PromptCheck | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (prompt.trim() === '' && !image) {
      setCheck(null);
      setError(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.call('prompts.check', { model, prompt, negativePrompt, image, ...(textModel !== undefined ? { textModel } : {}) }).then(
        (result) => {
          if (!current) return;
          setCheck(result);
          setError(null);
        },
        (err: Error) => {
          if (!current) return;
          setCheck(null);
          setError(err.message);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, model, prompt, negativePrompt, image, textModel]);

  return { check, error };
}
