import { useEffect, useState } from 'react';
import { Field } from './Field';

export const MAX_ITERATIONS = 100_000;
const PROBLEM = `a whole number from 1 to ${MAX_ITERATIONS}, or empty for the preset's`;

/** The typed text as a count: null when blank (the preset's), undefined when it is not a usable count. */
function parseCount(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= MAX_ITERATIONS ? value : undefined;
}

interface IterationsFieldProps {
  label: string;
  /** null: the preset's count (the box is empty). */
  value: number | null;
  /** What an empty box runs, e.g. "300 (preset)". */
  placeholder: string;
  onChange: (value: number | null) => void;
  /** Told when the typed text stops or starts being a usable count (and that it has none once the field goes). */
  onProblem: (problem: string | null) => void;
}

/** A stage length: a whole number of iterations, or empty for the preset's. */
export function IterationsField({ label, value, placeholder, onChange, onProblem }: IterationsFieldProps) {
  const [text, setText] = useState(value === null ? '' : String(value));
  // A value set from outside (a branch's parent) replaces the text unless the text already says it.
  useEffect(() => setText((current) => (parseCount(current) === value ? current : value === null ? '' : String(value))), [value]);
  const valid = parseCount(text) !== undefined;
  useEffect(() => onProblem(valid ? null : PROBLEM), [onProblem, valid]);
  useEffect(() => () => onProblem(null), [onProblem]);
  return (
    <Field label={label} problem={valid ? null : PROBLEM}>
      {(id) => (
        <input
          id={id}
          type="number"
          min={1}
          max={MAX_ITERATIONS}
          step={1}
          placeholder={placeholder}
          value={text}
          aria-invalid={valid ? undefined : true}
          onChange={(e) => {
            setText(e.target.value);
            const count = parseCount(e.target.value);
            if (count !== undefined) onChange(count);
          }}
        />
      )}
    </Field>
  );
}
