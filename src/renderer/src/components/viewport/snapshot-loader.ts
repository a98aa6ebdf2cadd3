import type { StudioApi } from '../../../../shared/studio-api';
import { decodeLiveMesh, decodeLiveSplats, fetchSnapshotGaussians, fetchSnapshotMesh, type RunMeshEvent, type RunSplatsEvent } from '../../api/snapshot-payload';
import { packGaussians } from './splat-packing';
import type { PayloadRef, ViewPayload } from './view-payload';

/** A snapshot payload from the store, decoded (and Gaussians packed for Spark). */
export async function loadSnapshotPayload(api: StudioApi, ref: PayloadRef): Promise<ViewPayload> {
  if (ref.kind === 'mesh') return { kind: 'mesh', mesh: await fetchSnapshotMesh(api, ref.blob) };
  return { kind: 'splats', packed: packGaussians(await fetchSnapshotGaussians(api, ref.blob)) };
}

/** The model a live `run.splats` or `run.mesh` event carries, ready to draw. */
export function decodeLivePayload(event: RunSplatsEvent | RunMeshEvent): ViewPayload {
  if (event.type === 'run.mesh') return { kind: 'mesh', mesh: decodeLiveMesh(event) };
  return { kind: 'splats', packed: packGaussians(decodeLiveSplats(event)) };
}
