import { runSubject } from '../../shared/runs';
import type { ExportResult } from '../../shared/exports';
import { encodeExport, findExportFormat, parseExportOptions, type EncodedExport } from '../export/formats';
import type { MeshExportSettings } from '../export/mesh/mesh-export-settings';
import { loadSnapshotGaussians, meshSnapshotToExport } from '../pipeline/export-run';
import { exportMeshSnapshotGlb } from '../scene/dmtet/mesh-snapshot-glb';
import type { KilnStore } from '../store/kiln-store';
import type { SnapshotRecord } from '../store/run-repository';

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

/** The snapshot an export writes, encoded: a mesh stage's GLB from the mesh itself, as `kiln export` writes it. */
async function encodeSnapshot(store: KilnStore, r: StudioExportRequest): Promise<{ snapshot: SnapshotRecord; encoded: EncodedExport }> {
  const format = findExportFormat(r.format);
  const mesh = meshSnapshotToExport(store, r.runId, r.iteration, format.name);
  if (mesh) {
    const settings = parseExportOptions(format, r.options ?? {}) as MeshExportSettings;
    const { glb } = await exportMeshSnapshotGlb(store.blobs.read(mesh.payloadBlob), settings);
    return { snapshot: mesh, encoded: { format, chunks: [glb], byteLength: glb.byteLength } };
  }
  const { snapshot, gaussians } = loadSnapshotGaussians(store, r.runId, r.iteration);
  return { snapshot, encoded: await encodeExport(gaussians, format.name, r.options ?? {}) };
}

/**
 * Exports a snapshot into the blob store and records it as an asset of the run; the browser downloads it by hash
 * (`kiln serve` has no business writing to paths a web page names). A run with a mesh stage exports its GLB from
 * that mesh and its splat formats from its last Gaussians (core/pipeline/export-run.ts).
 */
export async function exportRunToBlob(store: KilnStore, r: StudioExportRequest): Promise<ExportResult> {
  const run = store.runs.getRun(r.runId);
  const { snapshot, encoded } = await encodeSnapshot(store, r);
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
