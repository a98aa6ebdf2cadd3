import { blobUrlPath } from '../../../../shared/blobs';
import { isDesktopApp } from '../../api/desktop-app';
import type { StudioApi } from '../../../../shared/studio-api';

export interface ExportChoice {
  runId: string;
  /** undefined: the run's newest snapshot. */
  iteration?: number;
  format: string;
  options: Record<string, unknown>;
}

/** What happened to an export: where it went, or that the artist cancelled the save dialog. */
export type SavedExport =
  | { kind: 'downloaded'; fileName: string; byteLength: number; iteration: number; url: string }
  | { kind: 'saved'; fileName: string; byteLength: number; iteration: number; path: string }
  | { kind: 'cancelled' };

/** In the desktop app the main process shows a native save dialog. */
export const savesThroughDialog = isDesktopApp;

function startDownload(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Exports a snapshot: in Electron through the main process's save dialog (paths never come from the renderer); in the
 * browser into the server's blob store, then downloaded from it.
 */
export async function saveExport(api: StudioApi, choice: ExportChoice): Promise<SavedExport> {
  if (savesThroughDialog()) {
    const result = await api.call('runs.exportToFile', choice);
    if (!result.saved) return { kind: 'cancelled' };
    return { kind: 'saved', fileName: result.fileName, byteLength: result.byteLength, iteration: result.iteration, path: result.path };
  }
  const result = await api.call('runs.export', choice);
  const url = blobUrlPath(result.blob, result.fileName);
  startDownload(url, result.fileName);
  return { kind: 'downloaded', fileName: result.fileName, byteLength: result.byteLength, iteration: result.iteration, url };
}

/** "812 B", "14.2 kB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
