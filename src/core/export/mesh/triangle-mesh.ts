/** An indexed triangle mesh: positions V×3 (metres), indices T×3 (counter-clockwise seen from outside). */
export interface TriangleMesh {
  positions: Float32Array;
  indices: Uint32Array;
}

export function triangleCount(mesh: TriangleMesh): number {
  return mesh.indices.length / 3;
}

/** Twice the area vector (the unnormalised normal) of triangle t, written into out. */
export function triangleCross(mesh: TriangleMesh, t: number, out: Float64Array | number[]): void {
  const p = mesh.positions;
  const a = 3 * mesh.indices[3 * t]!, b = 3 * mesh.indices[3 * t + 1]!, c = 3 * mesh.indices[3 * t + 2]!;
  const e1x = p[b]! - p[a]!, e1y = p[b + 1]! - p[a + 1]!, e1z = p[b + 2]! - p[a + 2]!;
  const e2x = p[c]! - p[a]!, e2y = p[c + 1]! - p[a + 1]!, e2z = p[c + 2]! - p[a + 2]!;
  out[0] = e1y * e2z - e1z * e2y;
  out[1] = e1z * e2x - e1x * e2z;
  out[2] = e1x * e2y - e1y * e2x;
}

export function surfaceArea(mesh: TriangleMesh): number {
  const n = new Float64Array(3);
  let area = 0;
  for (let t = 0; t < triangleCount(mesh); t++) {
    triangleCross(mesh, t, n);
    area += 0.5 * Math.hypot(n[0]!, n[1]!, n[2]!);
  }
  return area;
}

/**
 * Keeps the triangles for which `keep(t)` holds, drops triangles with a repeated corner, and renumbers the vertices
 * so that only used ones remain (in first-use order).
 */
export function compactMesh(mesh: TriangleMesh, keep: (t: number) => boolean = () => true): TriangleMesh {
  const remap = new Int32Array(mesh.positions.length / 3).fill(-1);
  const kept: number[] = [];
  let vertices = 0;
  for (let t = 0; t < triangleCount(mesh); t++) {
    const a = mesh.indices[3 * t]!, b = mesh.indices[3 * t + 1]!, c = mesh.indices[3 * t + 2]!;
    if (a === b || b === c || a === c || !keep(t)) continue;
    for (const v of [a, b, c]) {
      if (remap[v] === -1) remap[v] = vertices++;
      kept.push(remap[v]!);
    }
  }
  const positions = new Float32Array(3 * vertices);
  for (let v = 0; v < remap.length; v++) {
    const r = remap[v]!;
    if (r >= 0) positions.set(mesh.positions.subarray(3 * v, 3 * v + 3), 3 * r);
  }
  return { positions, indices: Uint32Array.from(kept) };
}

/** Area-weighted unit vertex normals (a vertex no triangle uses gets +Y). */
export function vertexNormals(mesh: TriangleMesh): Float32Array {
  const sums = new Float64Array(mesh.positions.length);
  const n = new Float64Array(3);
  for (let t = 0; t < triangleCount(mesh); t++) {
    triangleCross(mesh, t, n);
    for (let k = 0; k < 3; k++) {
      const v = mesh.indices[3 * t + k]!;
      for (let a = 0; a < 3; a++) sums[3 * v + a] = sums[3 * v + a]! + n[a]!;
    }
  }
  const normals = new Float32Array(sums.length);
  for (let v = 0; v < sums.length / 3; v++) {
    const len = Math.hypot(sums[3 * v]!, sums[3 * v + 1]!, sums[3 * v + 2]!);
    if (len > 0) for (let k = 0; k < 3; k++) normals[3 * v + k] = sums[3 * v + k]! / len;
    else normals[3 * v + 1] = 1;
  }
  return normals;
}

/** Axis-aligned bounds of the positions. */
export function meshBounds(positions: Float32Array): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3)
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, positions[i + a]!);
      max[a] = Math.max(max[a]!, positions[i + a]!);
    }
  return { min, max };
}
