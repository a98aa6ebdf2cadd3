import { compactMesh, triangleCount, triangleCross, type TriangleMesh } from './triangle-mesh';

/** Connected components of a welded mesh (triangles sharing a vertex are connected): a component id per triangle. */
export function triangleComponents(mesh: TriangleMesh): { componentOf: Int32Array; count: number } {
  const parent = Int32Array.from({ length: mesh.positions.length / 3 }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let t = 0; t < triangleCount(mesh); t++) {
    const a = find(mesh.indices[3 * t]!);
    for (let c = 1; c < 3; c++) {
      const b = find(mesh.indices[3 * t + c]!);
      if (a !== b) parent[b] = a;
    }
  }
  const idOfRoot = new Map<number, number>();
  const componentOf = new Int32Array(triangleCount(mesh));
  for (let t = 0; t < componentOf.length; t++) {
    const root = find(mesh.indices[3 * t]!);
    let id = idOfRoot.get(root);
    if (id === undefined) idOfRoot.set(root, (id = idOfRoot.size));
    componentOf[t] = id;
  }
  return { componentOf, count: idOfRoot.size };
}

/**
 * The connected components whose surface area is at least `minAreaShare` of the largest one's: the object, in as
 * many pieces as it really has (a distilled snowman's head may float just above its body), while floaters and debris
 * go.
 */
/** A separate piece of surface is kept when its area is at least this share of the largest piece's (else debris). */
export const MIN_PIECE_AREA_SHARE = 0.1;

export function keepSubstantialComponents(mesh: TriangleMesh, minAreaShare: number): { mesh: TriangleMesh; keptComponents: number; droppedComponents: number } {
  const { componentOf, count } = triangleComponents(mesh);
  if (count <= 1) return { mesh: compactMesh(mesh), keptComponents: count, droppedComponents: 0 };
  const area = new Float64Array(count);
  const n = new Float64Array(3);
  for (let t = 0; t < componentOf.length; t++) {
    triangleCross(mesh, t, n);
    area[componentOf[t]!] = area[componentOf[t]!]! + Math.hypot(n[0]!, n[1]!, n[2]!);
  }
  let largest = 0;
  for (const a of area) largest = Math.max(largest, a); // a noisy surface can have more pieces than spread arguments allow
  const kept = area.map((a) => (a >= minAreaShare * largest ? 1 : 0));
  const keptComponents = kept.reduce((sum, k) => sum + k, 0);
  return { mesh: compactMesh(mesh, (t) => kept[componentOf[t]!] === 1), keptComponents, droppedComponents: count - keptComponents };
}
