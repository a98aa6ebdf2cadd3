import type { MeshExportSettings } from '../../export/mesh/mesh-export-settings';
import { exportSurfaceGlb, type SurfaceGlb } from './export-dmtet-glb';
import { decodeMeshSnapshot } from '../../../shared/mesh/mesh-snapshot-payload';
import { VertexAlbedoProbe } from './vertex-albedo-probe';

/** Mean length of the triangles' edges: about one tet cell on a marched DMTet surface. */
function meanEdgeLength(positions: Float32Array, indices: Uint32Array): number {
  let sum = 0;
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = 3 * indices[t + e]!, b = 3 * indices[t + ((e + 1) % 3)]!;
      sum += Math.hypot(positions[a]! - positions[b]!, positions[a + 1]! - positions[b + 1]!, positions[a + 2]! - positions[b + 2]!);
    }
  }
  return indices.length > 0 ? sum / indices.length : 0;
}

/**
 * The GLB of a mesh stage's snapshot (`kiln export --format glb` of a run with a DMTet stage): the surface as the
 * stage left it, its per-vertex albedo baked to the base-colour texture (exportSurfaceGlb's steps).
 */
export function exportMeshSnapshotGlb(payload: Uint8Array, options: Partial<MeshExportSettings> = {}): Promise<SurfaceGlb> {
  const mesh = decodeMeshSnapshot(payload);
  const cell = meanEdgeLength(mesh.positions, mesh.indices);
  return exportSurfaceGlb(mesh, () => new VertexAlbedoProbe(mesh, cell), cell, options);
}
