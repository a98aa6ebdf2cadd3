import { runSubject } from '../../shared/runs';
import type { ExportResult } from '../../shared/exports';
import { encodeExport } from '../export/formats';
import { loadSnapshotGaussians } from '../pipeline/export-run';
import type { KilnStore } from '../store/kiln-store';

export interface StudioExportRequest {
  runId: string;
  iteration?: number;
  format: string;
  options?: Record<string, unknown>;
}

const MAX_STEM_CHARS = 60;

/** "a-red-cube-sds-800.glb": letters, digits and dashes only, so it is safe in any file system and header. */
export function exportFileName(prompt: string, method: string, iteration: number, extension: string): string {
  const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const stem = words(prompt).slice(0, MAX_STEM_CHARS).replace(/-+$/, '') || 'kiln';
  return `${stem}-${words(method) || 'run'}-${iteration}.${words(extension) || 'bin'}`;
}

/**
 * Exports a snapshot into the blob store and records it as an asset of the run; the browser downloads it by hash
 * (`kiln serve` has no business writing to paths a web page names).
 */
export async function exportRunToBlob(store: KilnStore, r: StudioExportRequest): Promise<ExportResult> {
  const { run, snapshot, gaussians } = loadSnapshotGaussians(store, r.runId, r.iteration);
  const encoded = await encodeExport(gaussians, r.format, r.options ?? {});
  const blob = store.blobs.put(encoded.chunks);
  store.runs.addAsset({ runId: run.id, iteration: snapshot.iteration, format: encoded.format.name, path: store.blobs.path(blob), bytes: encoded.byteLength, blob });
  return {
    format: encoded.format.name,
    iteration: snapshot.iteration,
    byteLength: encoded.byteLength,
    fileName: exportFileName(runSubject(run), run.method, snapshot.iteration, encoded.format.extension),
    blob,
  };
}
