import { KilnError } from '../../../shared/errors';
import { mahalanobis2, SUPPORT_SIGMAS, type GaussianKernels } from './gaussian-kernels';
import { createScalarGrid, type ScalarGrid } from './scalar-grid';

/** Share of the means trimmed at each end per axis when framing the grid, so a few far floaters do not shrink it. */
const FRAME_QUANTILE = 0.002;
/** Margin around the trimmed frame, as a fraction of its size (keeps thin extremities that the trim would cut). */
const FRAME_MARGIN = 0.05;

/**
 * The opacity density of the Gaussians, Σ_i σ(o_i)·exp(−½ dᵀΣ_i⁻¹d), sampled on a grid with `resolution` cells
 * along the longest side of the object's frame; each Gaussian is evaluated only inside its 3σ box. The frame is
 * the means' robust bounds plus a margin, padded with `padCells` empty nodes (at least 1) on every side so the
 * surface closes.
 */
export function densityGrid(k: GaussianKernels, resolution: number, padCells = 1): ScalarGrid {
  if (k.count === 0) throw new KilnError('invalid-request', 'cannot build a mesh: the model has no visible Gaussians (all are empty or fully transparent)');
  const lo = [0, 0, 0], hi = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const sorted = Float64Array.from({ length: k.count }, (_, i) => k.means[3 * i + a]!).sort();
    const qLo = sorted[Math.floor(FRAME_QUANTILE * (k.count - 1))]!, qHi = sorted[Math.ceil((1 - FRAME_QUANTILE) * (k.count - 1))]!;
    let boxLo = Infinity, boxHi = -Infinity;
    for (let i = 0; i < k.count; i++) {
      boxLo = Math.min(boxLo, k.means[3 * i + a]! - k.halfExtent[3 * i + a]!);
      boxHi = Math.max(boxHi, k.means[3 * i + a]! + k.halfExtent[3 * i + a]!);
    }
    const margin = FRAME_MARGIN * (qHi - qLo);
    lo[a] = Math.max(boxLo, qLo - margin);
    hi[a] = Math.min(boxHi, qHi + margin);
  }
  const size = Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!);
  if (!(size > 0)) throw new KilnError('invalid-request', 'cannot build a mesh: the Gaussians have no spatial extent');
  const spacing = size / resolution;
  const pad = padCells * spacing;
  const origin: [number, number, number] = [lo[0]! - pad, lo[1]! - pad, lo[2]! - pad];
  const dims = [0, 1, 2].map((a) => Math.ceil((hi[a]! - lo[a]!) / spacing) + 2 * padCells + 1) as [number, number, number];
  const grid = createScalarGrid(origin, spacing, dims);
  splatDensity(k, grid);
  return grid;
}

function splatDensity(k: GaussianKernels, grid: ScalarGrid): void {
  const [nx, ny, nz] = grid.dims;
  const { origin, spacingM: h, values } = grid;
  const cutoff = SUPPORT_SIGMAS * SUPPORT_SIGMAS;
  const range = (row: number, a: number, n: number): [number, number] => {
    const m = k.means[3 * row + a]!, e = k.halfExtent[3 * row + a]!;
    return [Math.max(1, Math.ceil((m - e - origin[a]!) / h)), Math.min(n - 2, Math.floor((m + e - origin[a]!) / h))];
  };
  for (let row = 0; row < k.count; row++) {
    const [i0, i1] = range(row, 0, nx), [j0, j1] = range(row, 1, ny), [k0, k1] = range(row, 2, nz);
    const alpha = k.opacity[row]!;
    const mx = k.means[3 * row]!, my = k.means[3 * row + 1]!, mz = k.means[3 * row + 2]!;
    for (let kk = k0; kk <= k1; kk++) {
      const dz = origin[2] + kk * h - mz;
      for (let j = j0; j <= j1; j++) {
        const dy = origin[1] + j * h - my;
        const base = (kk * ny + j) * nx;
        for (let i = i0; i <= i1; i++) {
          const q = mahalanobis2(k, row, origin[0] + i * h - mx, dy, dz);
          if (q < cutoff) values[base + i]! += alpha * Math.exp(-0.5 * q);
        }
      }
    }
  }
}
