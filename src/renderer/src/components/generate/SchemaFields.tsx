import { useEffect, useId, useState } from 'react';
import { fieldKind, humanise, numberProblem, setAtPath, type FieldKind, type JsonSchema, type SettingsValues } from './json-schema-values';

type Path = readonly (string | number)[];

interface SchemaFieldsProps {
  /** An object schema (a method's settings, an export format's options). */
  schema: JsonSchema;
  value: SettingsValues;
  /** Given an update of the latest values (not of the rendered ones: two quick edits must not undo each other). */
  onChange: (update: (previous: SettingsValues) => SettingsValues) => void;
  /** Told when a field's text stops or starts being acceptable, keyed by its path ("timesteps.tRange.0"). */
  onProblem?: (path: string, problem: string | null) => void;
  disabled?: boolean;
}

/** A form generated from a JSON Schema: one control per setting, nested objects as fieldsets. */
export function SchemaFields({ schema, value, onChange, onProblem, disabled }: SchemaFieldsProps) {
  const kind = fieldKind(schema);
  if (kind.kind !== 'object') return null;
  const keys = Object.keys(kind.properties);
  if (keys.length === 0) return <p className="muted">This has no options.</p>;
  return (
    <div className="schema-fields">
      {keys.map((key) => (
        <SchemaField
          key={key}
          schema={kind.properties[key]!}
          path={[key]}
          labels={[humanise(key)]}
          value={value[key]}
          onSet={(path, next) => onChange((previous) => setAtPath(previous, path, next) as SettingsValues)}
          onProblem={onProblem}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  schema: JsonSchema;
  path: Path;
  /** Human names from the top down; the accessible name joins them so nested fields stay unique. */
  labels: string[];
  value: unknown;
  /** Sets the setting at `path` (from the top of the settings). */
  onSet: (path: Path, next: unknown) => void;
  onProblem?: (path: string, problem: string | null) => void;
  disabled?: boolean;
}

function SchemaField(props: FieldProps) {
  const kind = fieldKind(props.schema);
  const name = props.labels.join(' › ');
  const visible = props.labels[props.labels.length - 1]!;
  switch (kind.kind) {
    case 'object':
      return (
        <fieldset className="schema-object">
          <legend>{visible}</legend>
          {Object.entries(kind.properties).map(([key, property]) => (
            <SchemaField
              key={key}
              {...props}
              schema={property}
              path={[...props.path, key]}
              labels={[...props.labels, humanise(key)]}
              value={(props.value as Record<string, unknown> | undefined)?.[key]}
            />
          ))}
        </fieldset>
      );
    case 'tuple':
      return (
        <div className="schema-tuple" role="group" aria-label={name}>
          <span className="schema-label">{visible}</span>
          {kind.items.map((item, index) => (
            <SchemaField
              key={index}
              {...props}
              schema={item}
              path={[...props.path, index]}
              labels={[...props.labels, tupleItemName(index, kind.items.length)]}
              value={(props.value as unknown[] | undefined)?.[index]}
            />
          ))}
        </div>
      );
    case 'boolean':
      return (
        <label className="schema-row toggle">
          <input
            type="checkbox"
            aria-label={name}
            checked={props.value === true}
            disabled={props.disabled}
            onChange={(e) => props.onSet(props.path, e.target.checked)}
          />
          {visible}
        </label>
      );
    case 'choice':
      return (
        <label className="schema-row">
          <span className="schema-label">{visible}</span>
          <select
            aria-label={name}
            value={kind.options.findIndex((o) => o === props.value)}
            disabled={props.disabled}
            onChange={(e) => props.onSet(props.path, kind.options[Number(e.target.value)])}
          >
            {kind.options.map((option, index) => (
              <option key={index} value={index}>
                {String(option)}
              </option>
            ))}
          </select>
        </label>
      );
    case 'text':
      return (
        <label className="schema-row">
          <span className="schema-label">{visible}</span>
          <input
            type="text"
            aria-label={name}
            value={typeof props.value === 'string' ? props.value : ''}
            disabled={props.disabled}
            onChange={(e) => props.onSet(props.path, e.target.value)}
          />
        </label>
      );
    case 'number':
      return <NumberField {...props} kind={kind} name={name} visible={visible} />;
    default:
      return (
        <p className="schema-row muted">
          {visible}: {JSON.stringify(props.value)} (not editable here)
        </p>
      );
  }
}

function tupleItemName(index: number, length: number): string {
  if (length === 2) return index === 0 ? 'from' : 'to';
  return `#${index + 1}`;
}

function formatNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : '';
}

function parseNumber(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

/** A number box that keeps what is typed, reports why it is unacceptable, and commits only acceptable values. */
function NumberField(props: FieldProps & { kind: Extract<FieldKind, { kind: 'number' }>; name: string; visible: string }) {
  const { kind, name, visible, value, onSet, onProblem, path } = props;
  const [text, setText] = useState(formatNumber(value));
  const problemId = useId();
  const pathKey = path.join('.');
  const problem = numberProblem(kind, props.schema, parseNumber(text));

  // A reset (or a prefill from a branch) replaces the value from outside: show it.
  useEffect(() => {
    setText((current) => (parseNumber(current) === (typeof value === 'number' ? value : null) ? current : formatNumber(value)));
  }, [value]);
  useEffect(() => {
    onProblem?.(pathKey, problem);
  }, [onProblem, pathKey, problem]);
  useEffect(() => () => onProblem?.(pathKey, null), [onProblem, pathKey]);

  return (
    <label className="schema-row">
      <span className="schema-label">{visible}</span>
      <input
        type="number"
        aria-label={name}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        step={kind.integer ? 1 : 'any'}
        min={kind.min}
        max={kind.max}
        placeholder={kind.nullable ? 'none' : undefined}
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseNumber(e.target.value);
          if (numberProblem(kind, props.schema, parsed) === null) onSet(path, parsed);
        }}
      />
      {problem && (
        <span id={problemId} className="field-problem error">
          {problem}
        </span>
      )}
    </label>
  );
}
