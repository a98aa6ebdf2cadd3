import { useEffect, useRef, useState } from 'react';
import type { ExportFormatInfo } from '../../../../shared/catalog';
import type { PayloadKind } from '../../../../shared/runs';
import { useStudioApi } from '../../api/context';
import { defaultSettings, type JsonSchema, type SettingsValues } from '../generate/json-schema-values';
import { SchemaFields } from '../generate/SchemaFields';
import { useFieldProblems } from '../generate/useFieldProblems';
import { useAsyncAction } from '../useAsyncAction';
import { formatBytes, saveExport, savesThroughDialog, type SavedExport } from './save-export';
import { useElapsedSeconds } from './useElapsedSeconds';

interface ExportDialogProps {
  runId: string;
  runName: string;
  /** The snapshot shown; null exports the run's newest. */
  iteration: number | null;
  /** What that snapshot holds (null before the run has one). */
  payloadKind: PayloadKind | null;
  onClose: () => void;
}

/** The export format the engine writes from a mesh snapshot itself (core/pipeline/export-run.ts); the others write splats. */
const MESH_FORMAT = 'glb';

/** What each kind of snapshot exports as: the GLB is the mesh itself, or meshed from the splats at export. */
const SOURCE_NOTES: Record<PayloadKind, string> = {
  mesh: 'This snapshot is the DMTet mesh: the GLB is that surface, its albedo baked to a texture; the splat formats write the Gaussians its mesh stage started from.',
  splats: 'This snapshot holds splats: the GLB is meshed from them (their density surface, textured from their colours).',
};

/** Export a snapshot as PLY, SPZ, SOG or GLB (whatever the engine registers), with each format's options. */
export function ExportDialog({ runId, runName, iteration, payloadKind, onClose }: ExportDialogProps) {
  const api = useStudioApi();
  const ref = useRef<HTMLDialogElement>(null);
  const [formats, setFormats] = useState<ExportFormatInfo[] | null>(null);
  const [formatName, setFormatName] = useState<string | null>(null);
  const [options, setOptions] = useState<SettingsValues>({});
  const { hasProblems, report, clear } = useFieldProblems();
  const [saved, setSaved] = useState<SavedExport | null>(null);
  const { busy, error, run } = useAsyncAction();
  const elapsed = useElapsedSeconds(busy);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    void run(async () => {
      const list = await api.call('exports.formats', {});
      setFormats(list);
      if (list[0]) choose(list[0]);
    });
    // Once per dialog: the registry does not change while it is open.
  }, [api, run]);

  function choose(format: ExportFormatInfo) {
    setFormatName(format.name);
    setOptions(defaultSettings(format.optionsSchema as JsonSchema));
    clear();
    setSaved(null);
  }

  const format = formats?.find((f) => f.name === formatName) ?? null;

  async function exportNow() {
    if (!format) return;
    setSaved(null);
    // Splats from a mesh snapshot are the run's newest Gaussians: the last of the stage the mesh started from.
    const at = iteration !== null && !(payloadKind === 'mesh' && format.name !== MESH_FORMAT) ? { iteration } : {};
    const result = await run(() => saveExport(api, { runId, ...at, format: format.name, options }));
    if (result) setSaved(result);
  }

  return (
    <dialog ref={ref} className="export-dialog" aria-labelledby="export-title" onCancel={onClose}>
      <h2 id="export-title">Export {runName}</h2>
      <p className="muted">{iteration === null ? 'The newest snapshot' : `The snapshot at iteration ${iteration}`}</p>
      {payloadKind && <p className="muted export-source">{SOURCE_NOTES[payloadKind]}</p>}
      {formats === null && !error && <p className="muted">Loading formats…</p>}
      {formats && (
        <fieldset className="export-formats" disabled={busy}>
          <legend>Format</legend>
          {formats.map((f) => (
            <label key={f.name} className="export-format">
              <input type="radio" name="export-format" checked={f.name === formatName} onChange={() => choose(f)} />
              <span>
                <strong>
                  {f.title} (.{f.extension})
                </strong>
                <span className="muted">{f.summary}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {format && (
        <section className="export-options" aria-label={`${format.title} options`}>
          <SchemaFields
            schema={format.optionsSchema as JsonSchema}
            value={options}
            onChange={setOptions}
            disabled={busy}
            onProblem={report}
          />
        </section>
      )}
      <div aria-live="polite" className="export-status">
        {busy && <p>Exporting… {elapsed} s</p>}
        {saved?.kind === 'downloaded' && (
          <p>
            Exported iteration {saved.iteration} ({formatBytes(saved.byteLength)}).{' '}
            <a href={saved.url} download={saved.fileName}>
              {saved.fileName}
            </a>
          </p>
        )}
        {saved?.kind === 'saved' && (
          <p>
            Saved {saved.path} ({formatBytes(saved.byteLength)}).
          </p>
        )}
        {saved?.kind === 'cancelled' && <p className="muted">Not saved.</p>}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="primary" disabled={!format || busy || hasProblems} onClick={() => void exportNow()}>
          {savesThroughDialog() ? 'Save as…' : 'Export'}
        </button>
      </div>
    </dialog>
  );
}
