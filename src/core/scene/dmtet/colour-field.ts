import { SCENE_EXTENT_M } from '../gaussians/gaussian-model';

/**
 * Albedo over the generation volume: a dense voxel grid of `resolution`³ nodes spanning [−R, R]³ (R =
 * SCENE_EXTENT_M), three logits per node (node (i, j, k), channel c at 3·((k·n + j)·n + i) + c), trilinearly
 * interpolated and passed through a sigmoid: albedo = σ(trilinear(logits)) ∈ (0, 1). A sigmoid rather than a clamp
 * because a clamp has no gradient beyond [0, 1]: a node that one noisy step pushes past white would never come
 * back, while the sigmoid always lets it; interpolating logits (not colours) keeps every sample inside (0, 1).
 * Points outside the box read the nearest face of it.
 */
export interface ColourField {
  resolution: number;
  logits: Float32Array;
}

export function createColourField(resolution: number, albedo: readonly [number, number, number] = [0.5, 0.5, 0.5]): ColourField {
  const logits = new Float32Array(3 * resolution ** 3);
  for (let n = 0; n < logits.length; n++) logits[n] = albedoLogit(albedo[n % 3]!);
  return { resolution, logits };
}

/** The logit of an albedo, kept 0.01 from 0 and 1 so the logit stays finite and trainable. */
export function albedoLogit(albedo: number): number {
  const a = Math.min(0.99, Math.max(0.01, albedo));
  return Math.log(a / (1 - a));
}

/** The node spacing of the field (metres). */
export const colourNodeSpacing = (field: Pick<ColourField, 'resolution'>): number => (2 * SCENE_EXTENT_M) / (field.resolution - 1);

/**
 * The 8 corners and trilinear weights around a point, with ∂weight/∂x per axis (0 on an axis where the point was
 * clamped to the box). Reused per sample, so nothing is allocated in the loops.
 */
export class TrilinearStencil {
  readonly corner = new Int32Array(8);
  readonly weight = new Float64Array(8);
  readonly dWeight = new Float64Array(24);
  private readonly base = new Int32Array(3);
  private readonly frac = new Float64Array(3);
  private readonly slope = new Float64Array(3);

  constructor(private readonly n: number) {}

  locate(x: number, y: number, z: number): void {
    const n = this.n;
    const h = (2 * SCENE_EXTENT_M) / (n - 1);
    for (let a = 0; a < 3; a++) {
      const u = ((a === 0 ? x : a === 1 ? y : z) + SCENE_EXTENT_M) / h;
      const clamped = Math.min(n - 1, Math.max(0, u));
      const i = Math.min(n - 2, Math.floor(clamped));
      this.base[a] = i;
      this.frac[a] = clamped - i;
      this.slope[a] = u === clamped ? 1 / h : 0;
    }
    for (let c = 0; c < 8; c++) {
      const bx = c & 1, by = (c >> 1) & 1, bz = (c >> 2) & 1;
      this.corner[c] = ((this.base[2]! + bz) * n + this.base[1]! + by) * n + this.base[0]! + bx;
      const wx = bx ? this.frac[0]! : 1 - this.frac[0]!, wy = by ? this.frac[1]! : 1 - this.frac[1]!, wz = bz ? this.frac[2]! : 1 - this.frac[2]!;
      this.weight[c] = wx * wy * wz;
      this.dWeight[3 * c] = (bx ? 1 : -1) * this.slope[0]! * wy * wz;
      this.dWeight[3 * c + 1] = (by ? 1 : -1) * this.slope[1]! * wx * wz;
      this.dWeight[3 * c + 2] = (bz ? 1 : -1) * this.slope[2]! * wx * wy;
    }
  }
}

/** Albedo (3 per point) at each point of `points` (3 per point). */
export function sampleColourField(field: ColourField, points: ArrayLike<number>): Float32Array {
  const count = points.length / 3;
  const out = new Float32Array(3 * count);
  const stencil = new TrilinearStencil(field.resolution);
  for (let p = 0; p < count; p++) {
    stencil.locate(points[3 * p]!, points[3 * p + 1]!, points[3 * p + 2]!);
    for (let ch = 0; ch < 3; ch++) out[3 * p + ch] = stencilAlbedo(field, stencil, ch);
  }
  return out;
}

/** Channel ch of the albedo at the point the stencil was last located at. */
export function stencilAlbedo(field: ColourField, stencil: TrilinearStencil, ch: number): number {
  let z = 0;
  for (let c = 0; c < 8; c++) z += stencil.weight[c]! * field.logits[3 * stencil.corner[c]! + ch]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Backward of sampleColourField, from dL/d(albedo) and the albedo it returned: dL/d(logits) is added into
 * `dLogits`, and dL/d(points) into `dPoints` when given (how the colour moves as the surface point slides).
 */
export function sampleColourFieldBackward(
  field: ColourField,
  points: ArrayLike<number>,
  albedo: Float32Array,
  dAlbedo: ArrayLike<number>,
  dLogits: Float32Array,
  dPoints?: Float32Array | Float64Array,
): void {
  const count = points.length / 3;
  const stencil = new TrilinearStencil(field.resolution);
  for (let p = 0; p < count; p++) {
    stencil.locate(points[3 * p]!, points[3 * p + 1]!, points[3 * p + 2]!);
    for (let ch = 0; ch < 3; ch++) {
      const a = albedo[3 * p + ch]!;
      const dz = dAlbedo[3 * p + ch]! * a * (1 - a);
      if (dz === 0) continue;
      for (let c = 0; c < 8; c++) {
        const node = 3 * stencil.corner[c]! + ch;
        dLogits[node]! += dz * stencil.weight[c]!;
        if (dPoints) {
          const value = dz * field.logits[node]!;
          for (let x = 0; x < 3; x++) dPoints[3 * p + x]! += value * stencil.dWeight[3 * c + x]!;
        }
      }
    }
  }
}
