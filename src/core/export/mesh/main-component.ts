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

/** The connected component with the largest surface area; floaters and debris go. */
export function keepMainComponent(mesh: TriangleMesh): { mesh: TriangleMesh; droppedComponents: number } {
  const { componentOf, count } = triangleComponents(mesh);
  if (count <= 1) return { mesh: compactMesh(mesh), droppedComponents: 0 };
  const area = new Float64Array(count);
  const n = new Float64Array(3);
  for (let t = 0; t < componentOf.length; t++) {
    triangleCross(mesh, t, n);
    area[componentOf[t]!] = area[componentOf[t]!]! + Math.hypot(n[0]!, n[1]!, n[2]!);
  }
  let main = 0;
  for (let c = 1; c < count; c++) if (area[c]! > area[main]!) main = c;
  return { mesh: compactMesh(mesh, (t) => componentOf[t] === main), droppedComponents: count - 1 };
}
