import { Field } from '../generate/Field';
import { fitsConditioning, type Conditioning } from './model-conditioning';
import { useModels } from './models-context';

interface ModelPickerProps {
  value: string;
  /** The run's conditioning: only packs that can take it are offered (text-to-image for a prompt, view-conditioned for a photo). */
  conditioning: Conditioning;
  onChange: (modelId: string) => void;
  disabled?: boolean;
  /** "Model" unless given (the text teacher's picker is "Text model"). */
  label?: string;
}

/** The model pack a run uses; packs that fail validation are listed but cannot be chosen. */
export function ModelPicker({ value, conditioning, onChange, disabled, label = 'Model' }: ModelPickerProps) {
  const { models } = useModels();
  const offered = models?.filter((m) => !m.ok || fitsConditioning(m, conditioning)) ?? null;
  const known = models?.some((m) => m.id === value) ?? true;
  const shown = offered?.some((m) => m.id === value) ?? true;
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value} disabled={disabled || models === null} onChange={(e) => onChange(e.target.value)}>
          {!shown && <option value={value}>{known ? `${value} (cannot take this run's ${conditioning === 'image' ? 'photo' : 'prompt'})` : `${value} (not registered)`}</option>}
          {(offered ?? [{ id: value, name: value, ok: true, error: null }]).map((m) => (
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
