import { runSubject } from '../shared/runs';
import { extname, join } from 'node:path';
import type { ExportToFileResult } from '../shared/exports';
import type { StudioParsedRequest } from '../shared/studio-api';
import { KilnError } from '../shared/errors';
import { findExportFormat, parseExportOptions } from '../core/export/formats';
import { exportRunSnapshot } from '../core/pipeline/export-run';
import type { KilnStore } from '../core/store/kiln-store';
import { exportFileName } from '../core/studio/run-export';

/** What the native save dialog is asked: a suggested path and the one extension the format writes. */
export interface SaveDialogRequest {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}

/** Shows the save dialog; resolves to the chosen path, or undefined when the artist cancels. */
export type ChooseSavePath = (request: SaveDialogRequest) => Promise<string | undefined>;

/**
 * `runs.exportToFile` in the desktop app: the destination comes from the native save dialog, never from the
 * renderer. Everything that can be refused (run, snapshot, format, options) is checked before the dialog opens.
 */
export function exportToFileHandler(store: KilnStore, chooseSavePath: ChooseSavePath, defaultFolder: string) {
  return async (request: StudioParsedRequest<'runs.exportToFile'>): Promise<ExportToFileResult> => {
    const run = store.runs.getRun(request.runId);
    const snapshot = request.iteration === undefined ? store.runs.latestSnapshot(run.id) : store.runs.getSnapshot(run.id, request.iteration);
    if (!snapshot) throw new KilnError('not-found', `run ${run.id.slice(0, 8)} has no snapshot yet; nothing to export`);
    const format = findExportFormat(request.format);
    parseExportOptions(format, request.options);
    const fileName = exportFileName(runSubject(run), run.method, snapshot.iteration, format.extension);
    const chosen = await chooseSavePath({
      title: `Export ${format.title}`,
      defaultPath: join(defaultFolder, fileName),
      filters: [{ name: format.title, extensions: [format.extension] }],
    });
    if (!chosen) return { saved: false };
    // Linux dialogs do not add the filter's extension; the exporter requires it.
    const path = extname(chosen) === '' ? `${chosen}.${format.extension}` : chosen;
    const result = await exportRunSnapshot(store, { runId: run.id, iteration: snapshot.iteration, format: format.name, path, options: request.options });
    return { saved: true, format: result.format, iteration: result.iteration, byteLength: result.byteLength, path: result.path, fileName: path.split(/[\\/]/).at(-1)! };
  };
}
