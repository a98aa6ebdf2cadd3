import { useState, type FormEvent } from 'react';

interface TextEntryFormProps {
  className: string;
  /** The text box's accessible name (also its placeholder unless one is given). */
  label: string;
  placeholder?: string;
  submitLabel: string;
  maxLength?: number;
  busy: boolean;
  /** Called with the trimmed text; resolve true to clear the box (the entry was accepted). */
  onSubmit: (text: string) => Promise<boolean>;
}

/** One text box and a submit button that stays disabled while the box is empty or the action runs. */
export function TextEntryForm({ className, label, placeholder, submitLabel, maxLength, busy, onSubmit }: TextEntryFormProps) {
  const [text, setText] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await onSubmit(text.trim())) setText('');
  }

  return (
    <form className={className} onSubmit={submit}>
      <input aria-label={label} placeholder={placeholder ?? label} value={text} maxLength={maxLength} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={busy || text.trim() === ''}>
        {submitLabel}
      </button>
    </form>
  );
}
