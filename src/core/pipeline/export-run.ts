import { KilnError } from '../../shared/errors';
import { resolve } from 'node:path';
import { exportFormatForPath, exportGaussians, findExportFormat, type ExportResult } from '../export/formats';
import { decodeCompactGaussians } from '../../shared/gaussians/compact-gaussians';
import type { KilnStore } from '../store/kiln-store';

export interface RunExportRequest {
  runId: string;
  /** Snapshot iteration; the newest when omitted. */
  iteration?: number;
  /** Format name; taken from the destination's extension when omitted. */
  format?: string;
  path: string;
  options?: unknown;
}

/**
 * Exports one snapshot of a run — the Gaussians exactly as the timeline shows them — and records the file as an
 * asset of the run.
 */
export async function exportRunSnapshot(store: KilnStore, r: RunExportRequest): Promise<ExportResult & { iteration: number }> {
  const path = resolve(r.path);
  const format = r.format ? findExportFormat(r.format) : exportFormatForPath(path);
  const { run, snapshot, gaussians } = loadSnapshotGaussians(store, r.runId, r.iteration);
  const result = await exportGaussians(gaussians, format.name, path, r.options ?? {});
  store.runs.addAsset({ runId: run.id, iteration: snapshot.iteration, format: result.format, path: result.path, bytes: result.byteLength });
  return { ...result, iteration: snapshot.iteration };
}

/** A run's snapshot (the newest when `iteration` is omitted) with its Gaussians decoded. */
export function loadSnapshotGaussians(store: KilnStore, runId: string, iteration?: number) {
  const run = store.runs.getRun(runId);
  const snapshot = iteration === undefined ? store.runs.latestSnapshot(run.id) : store.runs.getSnapshot(run.id, iteration);
  if (!snapshot) throw new KilnError('not-found', `run ${run.id.slice(0, 8)} has no snapshot yet; nothing to export`);
  if (snapshot.payloadKind !== 'splats') {
    throw new KilnError('invalid-request', `snapshot ${snapshot.iteration} of run ${run.id.slice(0, 8)} holds a ${snapshot.payloadKind}, not Gaussians; export a snapshot of a Gaussian stage`);
  }
  return { run, snapshot, gaussians: decodeCompactGaussians(store.blobs.read(snapshot.payloadBlob)) };
}
