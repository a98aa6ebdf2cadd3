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
  const lower = new Uint32Array(halfEdges), upper = new Uint32Array(halfEdges);
  for (let h = 0; h < halfEdges; h++) {
    const from = indices[h]!, to = indices[h % 3 === 2 ? h - 2 : h + 1]!;
    lower[h] = Math.min(from, to);
    upper[h] = Math.max(from, to);
  }
  const start = new Uint32Array(vertices + 1);
  for (let h = 0; h < halfEdges; h++) start[lower[h]! + 1]!++;
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!;
  const bucket = new Uint32Array(halfEdges);
  const fill = start.slice(0, vertices);
  for (let h = 0; h < halfEdges; h++) bucket[fill[lower[h]!]!++] = h;
  const a = new Uint32Array(halfEdges), b = new Uint32Array(halfEdges);
  const forward = new Int32Array(halfEdges).fill(-1), backward = new Int32Array(halfEdges).fill(-1);
  let edges = 0, unpaired = 0;
  for (let v = 0; v < vertices; v++) {
    const first = edges;
    for (let i = start[v]!; i < start[v + 1]!; i++) {
      const h = bucket[i]!;
      const other = upper[h]!;
      let edge = first;
      while (edge < edges && b[edge] !== other) edge++;
      if (edge === edges) {
        a[edge] = v;
        b[edge] = other;
        edges++;
      }
      const face = Math.floor(h / 3);
      const slots = indices[h] === v ? forward : backward;
      if (slots[edge]! < 0) slots[edge] = face;
      else unpaired++;
    }
  }
  return { a: a.slice(0, edges), b: b.slice(0, edges), forwardFace: forward.slice(0, edges), backwardFace: backward.slice(0, edges), unpaired };
}
