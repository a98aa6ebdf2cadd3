import { EDGE_AXIS, EDGE_CORNERS, TRIANGLE_TABLE } from './marching-cubes-table';
import type { ScalarGrid } from './scalar-grid';
import type { TriangleMesh } from './triangle-mesh';

/**
 * Marching cubes: the surface value = isoLevel of a grid field, inside where value ≥ isoLevel. Vertices are made
 * once per crossed grid edge, so cells that share an edge share its vertex: the mesh comes out welded, and it is
 * closed wherever the inside region does not touch the grid's border. Triangles face the outside.
 */
export function marchingCubes(grid: ScalarGrid, isoLevel: number): TriangleMesh {
  const [nx, ny, nz] = grid.dims;
  const { values, origin, spacingM } = grid;
  const node = (i: number, j: number, k: number) => (k * ny + j) * nx + i;
  const vertexOfEdge = new Map<number, number>();
  const positions: number[] = [];
  const indices: number[] = [];
  const cornerNode = new Int32Array(8);

  const vertexOn = (a: number, b: number, axis: number): number => {
    const key = 3 * a + axis;
    const known = vertexOfEdge.get(key);
    if (known !== undefined) return known;
    const va = values[a]!, vb = values[b]!;
    const t = Math.min(1, Math.max(0, (isoLevel - va) / (vb - va)));
    const i = a % nx, j = Math.floor(a / nx) % ny, k = Math.floor(a / (nx * ny));
    const p = [i, j, k];
    p[axis]! += t;
    const id = positions.length / 3;
    positions.push(origin[0] + p[0]! * spacingM, origin[1] + p[1]! * spacingM, origin[2] + p[2]! * spacingM);
    vertexOfEdge.set(key, id);
    return id;
  };

  for (let k = 0; k + 1 < nz; k++) {
    for (let j = 0; j + 1 < ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        let config = 0;
        for (let c = 0; c < 8; c++) {
          const n = node(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1));
          cornerNode[c] = n;
          if (values[n]! >= isoLevel) config |= 1 << c;
        }
        if (config === 0 || config === 255) continue;
        for (let s = 16 * config; TRIANGLE_TABLE[s]! >= 0; s++) {
          const e = TRIANGLE_TABLE[s]!;
          const [ca, cb] = EDGE_CORNERS[e]!;
          indices.push(vertexOn(cornerNode[ca]!, cornerNode[cb]!, EDGE_AXIS[e]!));
        }
      }
    }
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}
