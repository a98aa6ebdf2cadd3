import { Field } from '../generate/Field';
import { useModels } from './models-context';

interface ModelPickerProps {
  value: string;
  onChange: (modelId: string) => void;
  disabled?: boolean;
  /** "Model" unless given (the text teacher's picker is "Text model"). */
  label?: string;
  /** Only models of this kind (kiln.json's `kind`), e.g. text-to-image for a text teacher. */
  kind?: string;
}

/** The model pack a run uses; packs that fail validation are listed but cannot be chosen. */
export function ModelPicker({ value, onChange, disabled, label = 'Model', kind }: ModelPickerProps) {
  const { models: all } = useModels();
  const models = kind === undefined ? all : (all?.filter((m) => m.kind === kind) ?? null);
  const known = models?.some((m) => m.id === value) ?? true;
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value} disabled={disabled || models === null} onChange={(e) => onChange(e.target.value)}>
          {!known && <option value={value}>{value} (not registered)</option>}
          {(models ?? [{ id: value, name: value, ok: true, error: null }]).map((m) => (
            <option key={m.id} value={m.id} disabled={!m.ok} title={m.error ?? undefined}>
              {m.name}
              {m.ok ? '' : ' (unavailable)'}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
