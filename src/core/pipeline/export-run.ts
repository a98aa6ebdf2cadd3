import { KilnError } from '../../shared/errors';
import { resolve } from 'node:path';
import { exportEncoded, exportFormatForPath, exportGaussians, findExportFormat, type ExportResult } from '../export/formats';
import type { MeshExportSettings } from '../export/mesh/mesh-export-settings';
import { decodeCompactGaussians } from '../../shared/gaussians/compact-gaussians';
import { exportMeshSnapshotGlb } from '../scene/dmtet/mesh-snapshot-glb';
import type { SnapshotRecord } from '../store/run-repository';
import type { KilnStore } from '../store/kiln-store';

export interface RunExportRequest {
  runId: string;
  /** Snapshot iteration; when omitted, the newest that the format can write (a mesh stage's for GLB, else splats). */
  iteration?: number;
  /** Format name; taken from the destination's extension when omitted. */
  format?: string;
  path: string;
  options?: unknown;
}

/**
 * Exports one snapshot of a run exactly as the timeline shows it and records the file as an asset of the run. A
 * run with a mesh stage exports its GLB from that mesh (the optimised surface, not marching cubes over splat
 * density); splat formats export its last Gaussians.
 */
export async function exportRunSnapshot(store: KilnStore, r: RunExportRequest): Promise<ExportResult & { iteration: number }> {
  const path = resolve(r.path);
  const format = r.format ? findExportFormat(r.format) : exportFormatForPath(path);
  const run = store.runs.getRun(r.runId);
  const mesh = meshSnapshotToExport(store, run.id, r.iteration, format.name);
  let result: ExportResult;
  let snapshot: SnapshotRecord;
  if (mesh) {
    snapshot = mesh;
    const bytes = store.blobs.read(snapshot.payloadBlob);
    result = await exportEncoded(format.name, path, r.options ?? {}, async (options) => (await exportMeshSnapshotGlb(bytes, options as MeshExportSettings)).glb);
  } else {
    const loaded = loadSnapshotGaussians(store, run.id, r.iteration);
    snapshot = loaded.snapshot;
    result = await exportGaussians(loaded.gaussians, format.name, path, r.options ?? {});
  }
  store.runs.addAsset({ runId: run.id, iteration: snapshot.iteration, format: result.format, path: result.path, bytes: result.byteLength });
  return { ...result, iteration: snapshot.iteration };
}

/**
 * The mesh snapshot an export of `iteration` (the newest snapshot when undefined) writes, or null when it writes
 * Gaussians: the splat formats always do, and a GLB of a Gaussian snapshot is meshed from its splats.
 */
export function meshSnapshotToExport(store: KilnStore, runId: string, iteration: number | undefined, formatName: string): SnapshotRecord | null {
  if (formatName !== 'glb') return null;
  const chosen = iteration === undefined ? store.runs.latestSnapshot(runId) : store.runs.getSnapshot(runId, iteration);
  return chosen?.payloadKind === 'mesh' ? chosen : null;
}

/** A run's snapshot of Gaussians (the newest such when `iteration` is omitted: a mesh stage's come after) decoded. */
export function loadSnapshotGaussians(store: KilnStore, runId: string, iteration?: number) {
  const run = store.runs.getRun(runId);
  const snapshot = iteration === undefined ? store.runs.listSnapshots(run.id).findLast((s) => s.payloadKind === 'splats') : store.runs.getSnapshot(run.id, iteration);
  if (!snapshot) throw new KilnError('not-found', `run ${run.id.slice(0, 8)} has no snapshot yet; nothing to export`);
  if (snapshot.payloadKind !== 'splats') {
    throw new KilnError('invalid-request', `snapshot ${snapshot.iteration} of run ${run.id.slice(0, 8)} holds a ${snapshot.payloadKind}, not Gaussians; export it as GLB, or export splats from a snapshot of a Gaussian stage`);
  }
  return { run, snapshot, gaussians: decodeCompactGaussians(store.blobs.read(snapshot.payloadBlob)) };
}
