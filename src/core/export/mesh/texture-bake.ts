import { dilateTexture } from './texture-dilate';

/** Texels that see less accumulated alpha than this are left to the dilation rather than trusted. */
const MIN_COVERAGE = 0.05;

/**
 * Where a bake reads colour: the colour at surface point p seen along its outward normal n, written into out
 * (display values in [0, 1]), and the weight of what was there (0: nothing). The Gaussians' SurfaceColourProbe and
 * the DMTet colour field's probe both are one.
 */
export interface ColourProbe {
  sample(px: number, py: number, pz: number, nx: number, ny: number, nz: number, out: Float64Array): number;
}

export interface BakeInput {
  /** Per-vertex positions, unit normals (V×3) and UVs in [0, 1] (V×2), indices T×3: the unwrapped mesh. */
  positions: Float32Array;
  normals: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
  size: number;
}

export interface BakedTexture {
  /** H×W×3 bytes, sRGB-encoded, row 0 at the top (v = 0), ready for encodePngRgb. */
  pixels: Uint8Array;
  size: number;
  /** Fraction of texels that lie on the surface and were evaluated from the Gaussians. */
  surfaceTexels: number;
  /** Fraction of those where the Gaussians showed too little alpha and the dilation filled in. */
  uncoveredTexels: number;
}

/**
 * Bakes the base-colour texture by direct evaluation: every texel whose centre lies in a triangle's UV footprint is
 * mapped back to its surface point (barycentric position and interpolated normal) and coloured by the probe there.
 * Then the gutters are filled by dilation so seams do not bleed.
 */
export function bakeTexture(mesh: BakeInput, probe: ColourProbe): BakedTexture {
  const { size, positions: P, normals: N, uvs, indices } = mesh;
  const rgb = new Float32Array(size * size * 3);
  const filled = new Uint8Array(size * size);
  const onSurface = new Uint8Array(size * size);
  const colour = new Float64Array(3);
  let surfaceTexels = 0, uncovered = 0;
  for (let t = 0; t < indices.length / 3; t++) {
    const [a, b, c] = [indices[3 * t]!, indices[3 * t + 1]!, indices[3 * t + 2]!];
    // Texel (x, y) has its centre at uv = ((x + ½)/size, (y + ½)/size).
    const ax = uvs[2 * a]! * size - 0.5, ay = uvs[2 * a + 1]! * size - 0.5;
    const bx = uvs[2 * b]! * size - 0.5, by = uvs[2 * b + 1]! * size - 0.5;
    const cx = uvs[2 * c]! * size - 0.5, cy = uvs[2 * c + 1]! * size - 0.5;
    const det = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    if (Math.abs(det) < 1e-12) continue;
    const x0 = Math.max(0, Math.ceil(Math.min(ax, bx, cx))), x1 = Math.min(size - 1, Math.floor(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.ceil(Math.min(ay, by, cy))), y1 = Math.min(size - 1, Math.floor(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const p = y * size + x;
        if (onSurface[p]) continue;
        const wb = ((x - ax) * (cy - ay) - (cx - ax) * (y - ay)) / det;
        const wc = ((bx - ax) * (y - ay) - (x - ax) * (by - ay)) / det;
        const wa = 1 - wb - wc;
        if (wa < -1e-6 || wb < -1e-6 || wc < -1e-6) continue;
        onSurface[p] = 1;
        surfaceTexels++;
        const at = (arr: Float32Array, k: number) => wa * arr[3 * a + k]! + wb * arr[3 * b + k]! + wc * arr[3 * c + k]!;
        let nx = at(N, 0), ny = at(N, 1), nz = at(N, 2);
        const len = Math.hypot(nx, ny, nz) || 1;
        nx /= len;
        ny /= len;
        nz /= len;
        if (probe.sample(at(P, 0), at(P, 1), at(P, 2), nx, ny, nz, colour) < MIN_COVERAGE) {
          uncovered++;
          continue;
        }
        rgb.set(colour, 3 * p);
        filled[p] = 1;
      }
    }
  }
  if (filled.every((f) => f === 0)) rgb.fill(0.5);
  else dilateTexture(rgb, filled, size, size);
  const pixels = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, rgb[i]!)) * 255);
  return { pixels, size, surfaceTexels: surfaceTexels / (size * size), uncoveredTexels: surfaceTexels ? uncovered / surfaceTexels : 0 };
}
