import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { BUILT_IN_MODEL_IDS } from '../../../../shared/models';
import type { ReferencePreview } from '../../../../shared/runs';
import { useStudioApi } from '../../api/context';
import { Field } from './Field';
import type { DraftReference } from './generate-draft';

const DEBOUNCE_MS = 250;
type BuiltInModelId = (typeof BUILT_IN_MODEL_IDS)[number];
const TYPES = 'image/png,image/jpeg,image/webp';

interface ReferenceImagePanelProps {
  value: DraftReference | null;
  /** The run's model, whose framing the preview follows (the demo priors keep the photo's framing; packs recentre). */
  model: string;
  onChange: (value: DraftReference | null) => void;
}

/** The file's bytes as base64 (what the StudioApi carries). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The photo as a data URL for the original's thumbnail (its type from its signature; the engine checks the file). */
function originalUrl(data: string): string {
  const type = data.startsWith('/9j/') ? 'jpeg' : data.startsWith('UklGR') ? 'webp' : 'png';
  return `data:image/${type};base64,${data}`;
}

/** The engine's cut-out of the photo with the current settings (references.preview), asked for once edits pause. */
function useReferencePreview(value: DraftReference | null, model: string): { preview: ReferencePreview | null; error: string | null } {
  const api = useStudioApi();
  const [preview, setPreview] = useState<ReferencePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPreview(null);
    setError(null);
    if (!value) return;
    let current = true;
    const timer = setTimeout(() => {
      api.call('references.preview', { data: value.data, name: value.name, settings: value.settings, model }).then(
        (result) => current && setPreview(result),
        (err: Error) => current && setError(err.message),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, value, model]);
  return { preview, error };
}

/**
 * A reference photo for an image run: drop it, paste it or browse for it; the original, the cut-out and its mask as
 * the model will take them; the foreground threshold, the framing margin and the camera's elevation.
 */
export function ReferenceImagePanel({ value, model, onChange }: ReferenceImagePanelProps) {
  const input = useRef<HTMLInputElement>(null);
  const { preview, error } = useReferencePreview(value, model);

  async function take(file: File | undefined | null) {
    if (!file) return;
    onChange({ data: await base64Of(file), name: file.name || 'pasted image', elevationDeg: value?.elevationDeg ?? 0, settings: value?.settings ?? { foregroundThreshold: 0.1, borderRatio: 0.2, recentre: !BUILT_IN_MODEL_IDS.includes(model as BuiltInModelId) } });
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    void take(e.dataTransfer.files[0]);
  };
  const onPaste = (e: ClipboardEvent) => {
    const file = Array.from(e.clipboardData.files).find((f) => f.type.startsWith('image/'));
    if (file) {
      e.preventDefault();
      void take(file);
    }
  };
  const set = (patch: Partial<DraftReference>) => value && onChange({ ...value, ...patch });
  const setting = (patch: Partial<DraftReference['settings']>) => value && onChange({ ...value, settings: { ...value.settings, ...patch } });

  return (
    <section className="reference-image" aria-label="Reference image">
      <div
        className="reference-drop"
        role="button"
        tabIndex={0}
        aria-label="Drop, paste or browse for a reference photo"
        onDragOver={(e) => e.preventDefault()}
        onDrop={onDrop}
        onPaste={onPaste}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
        onClick={() => input.current?.click()}
      >
        {value ? `Photo: ${value.name}` : 'Photo (optional): drop, paste or browse — PNG, JPEG or WebP'}
      </div>
      <input ref={input} type="file" accept={TYPES} hidden aria-label="Reference photo file" onChange={(e) => void take(e.target.files?.[0])} />
      {value && (
        <>
          <div className="reference-previews">
            <figure>
              <img alt="Original photo" src={originalUrl(value.data)} />
              <figcaption>Original</figcaption>
            </figure>
            <figure>
              {preview ? <img alt="Cut-out" src={preview.cutout} /> : <div className="reference-pending" />}
              <figcaption>Cut-out</figcaption>
            </figure>
            <figure>
              {preview ? <img alt="Mask" src={preview.mask} /> : <div className="reference-pending" />}
              <figcaption>Mask{preview ? ` (${preview.maskSource})` : ''}</figcaption>
            </figure>
          </div>
          {preview?.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <Field label="Foreground threshold">
            {(id) => (
              <input id={id} type="range" min={0.02} max={1} step={0.01} value={value.settings.foregroundThreshold} onChange={(e) => setting({ foregroundThreshold: Number(e.target.value) })} />
            )}
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={value.settings.recentre} onChange={(e) => setting({ recentre: e.target.checked })} /> Recentre and rescale the object
          </label>
          <Field label="Framing margin">
            {(id) => <input id={id} type="range" min={0} max={0.5} step={0.01} disabled={!value.settings.recentre} value={value.settings.borderRatio} onChange={(e) => setting({ borderRatio: Number(e.target.value) })} />}
          </Field>
          <Field label="Photo elevation (°)">
            {(id) => <input id={id} type="number" min={-89} max={89} step={1} value={value.elevationDeg} onChange={(e) => set({ elevationDeg: Number(e.target.value) || 0 })} />}
          </Field>
          <button type="button" onClick={() => onChange(null)}>
            Remove photo
          </button>
        </>
      )}
    </section>
  );
}
