import type { ScalarGrid } from './scalar-grid';

/**
 * Raises every node below the iso-level that cannot reach the grid's border through other such nodes (6-connected)
 * to the iso-level, in place. Splats usually model only the skin of an object, so the density inside can dip
 * below the iso-level; without this, marching cubes would also emit an inward-facing inner wall.
 * Returns the number of nodes filled.
 */
export function fillEnclosedVoids(grid: ScalarGrid, isoLevel: number): number {
  const [nx, ny, nz] = grid.dims;
  const v = grid.values;
  const outside = new Uint8Array(v.length);
  const queue = new Int32Array(v.length);
  let head = 0, tail = 0;
  const visit = (n: number) => {
    if (outside[n] || v[n]! >= isoLevel) return;
    outside[n] = 1;
    queue[tail++] = n;
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) visit((k * ny + j) * nx + i);
  while (head < tail) {
    const n = queue[head++]!;
    const i = n % nx, j = Math.floor(n / nx) % ny, k = Math.floor(n / (nx * ny));
    if (i > 0) visit(n - 1);
    if (i < nx - 1) visit(n + 1);
    if (j > 0) visit(n - nx);
    if (j < ny - 1) visit(n + nx);
    if (k > 0) visit(n - nx * ny);
    if (k < nz - 1) visit(n + nx * ny);
  }
  let filled = 0;
  for (let n = 0; n < v.length; n++)
    if (!outside[n] && v[n]! < isoLevel) {
      v[n] = isoLevel;
      filled++;
    }
  return filled;
}
