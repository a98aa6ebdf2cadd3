import type { GaussianKernels } from './gaussian-kernels';

/**
 * A uniform grid of cells over a box, each listing the Gaussians whose 3σ box, grown by `reachM`, overlaps it:
 * one lookup at a point p yields every Gaussian whose support comes within reachM of p (compressed-row storage).
 */
export interface GaussianCellIndex {
  origin: [number, number, number];
  cellM: number;
  dims: [number, number, number];
  cellStart: Int32Array;
  rows: Int32Array;
}

export function buildGaussianCellIndex(
  k: GaussianKernels,
  box: { min: [number, number, number]; max: [number, number, number] },
  reachM: number,
): GaussianCellIndex {
  const cellM = 2 * reachM;
  const origin: [number, number, number] = [box.min[0] - cellM, box.min[1] - cellM, box.min[2] - cellM];
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.ceil((box.max[a]! - box.min[a]!) / cellM) + 2)) as [number, number, number];
  const span = (row: number, a: number): [number, number] => {
    const m = k.means[3 * row + a]!, e = k.halfExtent[3 * row + a]! + reachM;
    return [Math.max(0, Math.floor((m - e - origin[a]!) / cellM)), Math.min(dims[a]! - 1, Math.floor((m + e - origin[a]!) / cellM))];
  };
  const cells = dims[0] * dims[1] * dims[2];
  const counts = new Int32Array(cells + 1);
  const each = (row: number, f: (cell: number) => void) => {
    const [i0, i1] = span(row, 0), [j0, j1] = span(row, 1), [k0, k1] = span(row, 2);
    for (let kk = k0; kk <= k1; kk++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) f((kk * dims[1] + j) * dims[0] + i);
  };
  for (let row = 0; row < k.count; row++) each(row, (c) => counts[c + 1]!++);
  for (let c = 0; c < cells; c++) counts[c + 1]! += counts[c]!;
  const rows = new Int32Array(counts[cells]!);
  const fill = counts.slice(0, cells);
  for (let row = 0; row < k.count; row++) each(row, (c) => (rows[fill[c]!++] = row));
  return { origin, cellM, dims, cellStart: counts, rows };
}

/** The cell holding point p, or −1 outside the indexed box. */
export function cellAt(index: GaussianCellIndex, x: number, y: number, z: number): number {
  const i = Math.floor((x - index.origin[0]) / index.cellM);
  const j = Math.floor((y - index.origin[1]) / index.cellM);
  const k = Math.floor((z - index.origin[2]) / index.cellM);
  const [nx, ny, nz] = index.dims;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return -1;
  return (k * ny + j) * nx + i;
}
