import type { MeshPivot } from './mesh-export-settings';
import { meshBounds } from './triangle-mesh';

/**
 * Positions moved so that the chosen pivot lands on the origin, then scaled uniformly (Y stays up, units stay
 * metres × scale): bottom-centre puts the bounds' lowest Y at 0 and centres X and Z, centre puts the bounds'
 * centre at 0, origin keeps the generated placement.
 */
export function placeMesh(positions: Float32Array, pivot: MeshPivot, scale: number): Float32Array {
  const { min, max } = meshBounds(positions);
  const centre = [0, 1, 2].map((a) => 0.5 * (min[a]! + max[a]!));
  const anchor = pivot === 'origin' ? [0, 0, 0] : pivot === 'centre' ? centre : [centre[0]!, min[1], centre[2]!];
  const out = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i += 3) for (let a = 0; a < 3; a++) out[i + a] = (positions[i + a]! - anchor[a]!) * scale;
  return out;
}
