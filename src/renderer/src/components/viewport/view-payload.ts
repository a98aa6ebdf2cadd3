import type { MeshSnapshot } from '../../../../shared/mesh/mesh-snapshot-payload';
import type { PayloadKind } from '../../../../shared/runs';
import type { PackedGaussians } from './splat-packing';

/** What the viewport draws for a snapshot or the live model: Gaussians packed for Spark, or a mesh stage's surface. */
export type ViewPayload = { kind: 'splats'; packed: PackedGaussians } | { kind: 'mesh'; mesh: MeshSnapshot };

/** A snapshot payload to load: its blob and what it holds. */
export interface PayloadRef {
  blob: string;
  kind: PayloadKind;
}

/** Bytes a decoded payload holds in memory (what the payload cache budgets). */
export function payloadBytes(payload: ViewPayload): number {
  if (payload.kind === 'splats') return payload.packed.packedArray.byteLength;
  const { positions, indices, albedo } = payload.mesh;
  return positions.byteLength + indices.byteLength + albedo.byteLength;
}
