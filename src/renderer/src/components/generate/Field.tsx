import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  /** Renders the control with the id the label points at. */
  children: (id: string) => ReactNode;
  /** Shown under the control in the error colour (why the value is not usable). */
  problem?: string | null;
}

/**
 * A labelled form control. The label points at the control by id rather than wrapping it, so the control's accessible
 * name is the label alone (a wrapping label would add a text box's value or a select's option to the name).
 */
export function Field({ label, children, problem }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children(id)}
      {problem && <span className="field-problem error">{problem}</span>}
    </div>
  );
}
