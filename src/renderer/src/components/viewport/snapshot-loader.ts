import type { StudioEvent } from '../../../../shared/events';
import type { StudioApi } from '../../../../shared/studio-api';
import { decodeLiveSplats, fetchSnapshotGaussians } from '../../api/snapshot-payload';
import { packGaussians, type PackedGaussians } from './splat-packing';

type RunSplatsEvent = Extract<StudioEvent, { type: 'run.splats' }>;

/** A snapshot payload from the store, decoded and packed for Spark. */
export async function loadSnapshotSplats(api: StudioApi, blob: string): Promise<PackedGaussians> {
  return packGaussians(await fetchSnapshotGaussians(api, blob));
}

/** The Gaussians carried by a live `run.splats` event, packed for Spark. */
export async function decodeLiveEventSplats(event: RunSplatsEvent): Promise<PackedGaussians> {
  return packGaussians(decodeLiveSplats(event));
}
