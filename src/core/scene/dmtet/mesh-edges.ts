import type { TriangleMesh } from '../../export/mesh/triangle-mesh';

/**
 * The unique edges of a triangle mesh, a < b, with the face that runs along it a → b (`forwardFace`) and the one
 * that runs b → a (`backwardFace`), −1 where there is none. On a closed, consistently oriented mesh every edge has
 * both; `unpaired` counts the face-edges that found no place (a third face on an edge, or two faces running the
 * same way: an orientation flip).
 */
export interface MeshEdges {
  a: Uint32Array;
  b: Uint32Array;
  forwardFace: Int32Array;
  backwardFace: Int32Array;
  unpaired: number;
}

export function meshEdges(mesh: TriangleMesh): MeshEdges {
  const { indices } = mesh;
  const vertices = mesh.positions.length / 3;
  const halfEdges = indices.length;
  // Bucket the face-edges by their lower vertex (counting sort), then pair them within each small bucket.
  const start = new Uint32Array(vertices + 1);
  const lo = (h: number) => Math.min(indices[h]!, indices[next(h)]!);
  const hi = (h: number) => Math.max(indices[h]!, indices[next(h)]!);
  for (let h = 0; h < halfEdges; h++) start[lo(h) + 1]!++;
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!;
  const bucket = new Uint32Array(halfEdges);
  const fill = start.slice(0, vertices);
  for (let h = 0; h < halfEdges; h++) bucket[fill[lo(h)]!++] = h;
  const a: number[] = [], b: number[] = [], forward: number[] = [], backward: number[] = [];
  let unpaired = 0;
  for (let v = 0; v < vertices; v++) {
    for (let i = start[v]!; i < start[v + 1]!; i++) {
      const h = bucket[i]!;
      const other = hi(h);
      let edge = -1;
      for (let e = a.length - 1; e >= 0 && a[e] === v; e--) if (b[e] === other) edge = e;
      if (edge < 0) {
        edge = a.length;
        a.push(v);
        b.push(other);
        forward.push(-1);
        backward.push(-1);
      }
      const face = Math.floor(h / 3);
      const slots = indices[h] === v ? forward : backward;
      if (slots[edge]! < 0) slots[edge] = face;
      else unpaired++;
    }
  }
  return { a: Uint32Array.from(a), b: Uint32Array.from(b), forwardFace: Int32Array.from(forward), backwardFace: Int32Array.from(backward), unpaired };
}

/** The next corner of the same triangle (0 → 1 → 2 → 0). */
function next(h: number): number {
  return h % 3 === 2 ? h - 2 : h + 1;
}
