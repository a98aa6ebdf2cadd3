import { useId } from 'react';
import { Field } from './Field';

interface DescribedSelectProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  /** A line under the select saying what the chosen option means (the select's accessible description). */
  description: string;
  onChange: (value: T) => void;
  disabled?: boolean;
}

/** A labelled select with a line describing the chosen option. */
export function DescribedSelect<T extends string>({ label, value, options, description, onChange, disabled }: DescribedSelectProps<T>) {
  const descriptionId = useId();
  return (
    <>
      <Field label={label}>
        {(id) => (
          <select id={id} value={value} aria-describedby={descriptionId} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <p id={descriptionId} className="muted method-summary">
        {description}
      </p>
    </>
  );
}
