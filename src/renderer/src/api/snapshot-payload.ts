import type { StudioEvent } from '../../../shared/events';
import { decodeCompactGaussians } from '../../../shared/gaussians/compact-gaussians';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { decodeMeshSnapshot, type MeshSnapshot } from '../../../shared/mesh/mesh-snapshot-payload';
import type { StudioApi } from '../../../shared/studio-api';

export type RunSplatsEvent = Extract<StudioEvent, { type: 'run.splats' }>;
export type RunMeshEvent = Extract<StudioEvent, { type: 'run.mesh' }>;

/**
 * A snapshot's Gaussians (raw parameters, docs/conventions.md) from its payload blob. Over `kiln serve` the bytes come
 * from the cacheable GET /api/blobs/<hash>, over IPC from the main process (see the two clients).
 */
export async function fetchSnapshotGaussians(api: StudioApi, blob: string): Promise<GaussianArrays> {
  return decodeCompactGaussians(await api.call('snapshots.payload', { blob }));
}

/** A mesh snapshot's surface (payload kind 'mesh': shared/mesh/mesh-snapshot-payload.ts), fetched the same way. */
export async function fetchSnapshotMesh(api: StudioApi, blob: string): Promise<MeshSnapshot> {
  return decodeMeshSnapshot(await api.call('snapshots.payload', { blob }));
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The live Gaussians a `run.splats` event carries. */
export function decodeLiveSplats(event: RunSplatsEvent): GaussianArrays {
  return decodeCompactGaussians(base64Bytes(event.payloadBase64));
}

/** The live mesh a `run.mesh` event carries. */
export function decodeLiveMesh(event: RunMeshEvent): MeshSnapshot {
  return decodeMeshSnapshot(base64Bytes(event.payloadBase64));
}
