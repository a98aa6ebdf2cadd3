import { triangleCount, type TriangleMesh } from './triangle-mesh';

/** Taubin's pass-band weights: a shrinking step λ then an inflating step μ (|μ| > λ), so the volume is kept. */
const LAMBDA = 0.5;
const MU = -0.53;

/**
 * Taubin smoothing (λ|μ umbrella steps over each vertex's edge neighbours): removes the grid-scale terracing that
 * marching cubes leaves on a sampled field without shrinking the shape as plain Laplacian smoothing does. Returns
 * new positions; the connectivity is unchanged.
 */
export function taubinSmooth(mesh: TriangleMesh, iterations: number): TriangleMesh {
  const vertexCount = mesh.positions.length / 3;
  const degree = new Int32Array(vertexCount + 1);
  const edges = new Set<number>();
  for (let t = 0; t < triangleCount(mesh); t++)
    for (let c = 0; c < 3; c++) {
      const a = mesh.indices[3 * t + c]!, b = mesh.indices[3 * t + ((c + 1) % 3)]!;
      edges.add(Math.min(a, b) * vertexCount + Math.max(a, b));
    }
  for (const e of edges) {
    degree[Math.floor(e / vertexCount) + 1]!++;
    degree[(e % vertexCount) + 1]!++;
  }
  for (let v = 0; v < vertexCount; v++) degree[v + 1]! += degree[v]!;
  const neighbours = new Int32Array(degree[vertexCount]!);
  const fill = degree.slice(0, vertexCount);
  for (const e of edges) {
    const a = Math.floor(e / vertexCount), b = e % vertexCount;
    neighbours[fill[a]!++] = b;
    neighbours[fill[b]!++] = a;
  }
  let p = Float64Array.from(mesh.positions);
  let next = new Float64Array(p.length);
  for (let it = 0; it < 2 * iterations; it++) {
    const w = it % 2 === 0 ? LAMBDA : MU;
    for (let v = 0; v < vertexCount; v++) {
      const start = degree[v]!, end = degree[v + 1]!;
      for (let a = 0; a < 3; a++) {
        if (end === start) {
          next[3 * v + a] = p[3 * v + a]!;
          continue;
        }
        let sum = 0;
        for (let s = start; s < end; s++) sum += p[3 * neighbours[s]! + a]!;
        next[3 * v + a] = p[3 * v + a]! + w * (sum / (end - start) - p[3 * v + a]!);
      }
    }
    [p, next] = [next, p];
  }
  return { positions: Float32Array.from(p), indices: mesh.indices };
}
