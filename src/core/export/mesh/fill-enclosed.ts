import type { ScalarGrid } from './scalar-grid';

/**
 * Raises the nodes below the iso-level that the outside cannot reach to the iso-level, in place. Splats usually
 * model only the skin of an object, so the density inside dips below the iso-level; without this, marching cubes
 * would also emit an inward-facing inner wall, and through any small gap in the skin it would join the outer one.
 * The outside is found as a morphological opening of the empty space: flood the nodes more than `holeRadiusCells`
 * (6-connected steps) from any solid node, starting at the border, then grow that region back by the same radius
 * through empty nodes — what a ball of that radius reaches without touching the surface. So holes in the skin up
 * to about two radii across are closed (and concave gaps that narrow are filled). The grid needs at least
 * holeRadiusCells + 1 empty nodes around the object. Returns the number of nodes filled.
 */
export function fillEnclosedVoids(grid: ScalarGrid, isoLevel: number, holeRadiusCells: number): number {
  const [nx, ny, nz] = grid.dims;
  const v = grid.values;
  const count = v.length;
  const queue = new Int32Array(count);
  const neighbours = (n: number, visit: (m: number) => void) => {
    const i = n % nx, j = Math.floor(n / nx) % ny, k = Math.floor(n / (nx * ny));
    if (i > 0) visit(n - 1);
    if (i < nx - 1) visit(n + 1);
    if (j > 0) visit(n - nx);
    if (j < ny - 1) visit(n + nx);
    if (k > 0) visit(n - nx * ny);
    if (k < nz - 1) visit(n + nx * ny);
  };
  // Steps from the nearest solid node, capped at holeRadiusCells + 1.
  const cap = holeRadiusCells + 1;
  const distance = new Uint8Array(count).fill(cap);
  let head = 0, tail = 0;
  for (let n = 0; n < count; n++)
    if (v[n]! >= isoLevel) {
      distance[n] = 0;
      queue[tail++] = n;
    }
  while (head < tail) {
    const n = queue[head++]!;
    const d = distance[n]! + 1;
    if (d >= cap) continue;
    neighbours(n, (m) => {
      if (distance[m]! > d) {
        distance[m] = d;
        queue[tail++] = m;
      }
    });
  }
  // Ball centres reachable from the border, then everything within the radius of them (through empty nodes).
  const outside = new Uint8Array(count);
  head = tail = 0;
  const seed = (n: number) => {
    if (!outside[n] && distance[n]! > holeRadiusCells) {
      outside[n] = 1;
      queue[tail++] = n;
    }
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) seed((k * ny + j) * nx + i);
  while (head < tail) neighbours(queue[head++]!, seed);
  let frontier = queue.slice(0, tail);
  for (let step = 0; step < holeRadiusCells; step++) {
    const next: number[] = [];
    for (const n of frontier)
      neighbours(n, (m) => {
        if (!outside[m] && v[m]! < isoLevel) {
          outside[m] = 1;
          next.push(m);
        }
      });
    frontier = Int32Array.from(next);
  }
  let filled = 0;
  for (let n = 0; n < count; n++)
    if (!outside[n] && v[n]! < isoLevel) {
      v[n] = isoLevel;
      filled++;
    }
  return filled;
}
