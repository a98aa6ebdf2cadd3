import { useId } from 'react';
import { Field } from './Field';
import { usePromptCheck } from './usePromptCheck';

interface PromptFieldsProps {
  model: string;
  /** An image run: the prompt is an optional caption, and the model must be view-conditioned. */
  image?: boolean;
  /**
   * An image run's caption, and what it does, said beneath it: it feeds the method's (its title) text teacher, read by
   * `textModel`, or — `textModel` null, the method has no text teacher — it only describes the run.
   */
  caption?: { method: string; textModel: string | null };
  prompt: string;
  negativePrompt: string;
  onPrompt: (prompt: string) => void;
  onNegativePrompt: (negativePrompt: string) => void;
  disabled?: boolean;
}

/** The prompt and negative prompt, with the model's token count, truncation warning and problems beneath. */
export function PromptFields({ model, image = false, caption, prompt, negativePrompt, onPrompt, onNegativePrompt, disabled }: PromptFieldsProps) {
  const { check, error } = usePromptCheck(model, prompt, negativePrompt, image, caption?.textModel ?? undefined);
  const countId = useId();
  return (
    <>
      <Field label="Prompt">
        {(id) => (
          <textarea
            id={id}
            rows={3}
            value={prompt}
            maxLength={1000}
            placeholder={image ? 'optional caption of the photo' : 'a red cube'}
            aria-describedby={countId}
            disabled={disabled}
            onChange={(e) => onPrompt(e.target.value)}
          />
        )}
      </Field>
      {caption && prompt.trim() !== '' && (
        <p className="muted caption-use">
          {caption.textModel !== null
            ? `The caption feeds ${caption.method}'s text teacher, read by the text model ${caption.textModel}.`
            : `The caption describes the run: ${caption.method} has no text teacher, so it does not steer the result.`}
        </p>
      )}
      <div id={countId} className="prompt-check" aria-live="polite">
        {check && check.maxTokens > 0 && (
          <span className={check.truncated ? 'warning' : 'muted'}>
            {check.tokenCount} / {check.maxTokens} tokens
            {check.truncated && ' — too long: the model ignores the words past the limit'}
          </span>
        )}
      </div>
      {(check?.problem || error) && (
        <p role="alert" className="error">
          {check?.problem ?? `Cannot check the prompt: ${error}`}
        </p>
      )}
      <Field label="Negative prompt">
        {(id) => (
          <textarea
            id={id}
            rows={2}
            value={negativePrompt}
            maxLength={1000}
            placeholder="what to steer away from"
            disabled={disabled}
            onChange={(e) => onNegativePrompt(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}
