import { objectSignedDistance, type DemoObject } from './objects';
import { signedDistance } from './primitives';
import { SHADING } from './raycast';
import { marchingCubes } from '../../export/mesh/marching-cubes';
import { sampleScalarGrid } from '../../export/mesh/scalar-grid';
import type { TriangleMesh } from '../../export/mesh/triangle-mesh';
import type { Rng } from '../../random/rng';
import { sampleMeshSurface } from '../../scene/gaussians/initialise';

/** A demo object's surface as a mesh: marching cubes on its exact signed distance (inside = −SDF ≥ 0) over [−1, 1]³. */
export function objectMesh(object: DemoObject, cells: number): TriangleMesh {
  const h = 2.2 / cells;
  return marchingCubes(sampleScalarGrid([-1.1, -1.1, -1.1], h, [cells + 1, cells + 1, cells + 1], (x, y, z) => -objectSignedDistance(object, x, y, z)), 0);
}

/** The albedo of the primitive whose surface is nearest to p. */
export function objectAlbedoAt(object: DemoObject, x: number, y: number, z: number): readonly [number, number, number] {
  let best = object.primitives[0]!;
  let bestD = Infinity;
  for (const p of object.primitives) {
    const d = Math.abs(signedDistance(p.shape, x, y, z));
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best.color;
}

/** Unit outward normal of the object's surface near p (central differences of its SDF). */
export function objectNormalAt(object: DemoObject, x: number, y: number, z: number): [number, number, number] {
  const e = 1e-5;
  const g = [
    objectSignedDistance(object, x + e, y, z) - objectSignedDistance(object, x - e, y, z),
    objectSignedDistance(object, x, y + e, z) - objectSignedDistance(object, x, y - e, z),
    objectSignedDistance(object, x, y, z + e) - objectSignedDistance(object, x, y, z - e),
  ];
  const n = Math.hypot(g[0]!, g[1]!, g[2]!) || 1;
  return [g[0]! / n, g[1]! / n, g[2]! / n];
}

/**
 * The colour the demo renders show at a surface point: albedo × (ambient + diffuse·max(0, n·l)) with the prior's
 * fixed world light (raycast.ts), view-independent, so it is what Gaussians fitted to those renders should hold.
 */
export function objectAppearanceAt(object: DemoObject, x: number, y: number, z: number): [number, number, number] {
  const albedo = objectAlbedoAt(object, x, y, z);
  const [nx, ny, nz] = objectNormalAt(object, x, y, z);
  const [lx, ly, lz] = SHADING.lightDir;
  const shade = SHADING.ambient + SHADING.diffuse * Math.max(0, nx * lx + ny * ly + nz * lz);
  return [Math.min(1, albedo[0] * shade), Math.min(1, albedo[1] * shade), Math.min(1, albedo[2] * shade)];
}

/** Moves a point onto the object's exact surface by Newton steps along the SDF gradient. */
export function projectToSurface(object: DemoObject, p: [number, number, number]): [number, number, number] {
  const e = 1e-5;
  for (let it = 0; it < 8; it++) {
    const d = objectSignedDistance(object, ...p);
    if (Math.abs(d) < 1e-7) break;
    const g = [0, 1, 2].map((a) => {
      const step = (s: number) => p.map((v, b) => (b === a ? v + s : v)) as [number, number, number];
      return (objectSignedDistance(object, ...step(e)) - objectSignedDistance(object, ...step(-e))) / (2 * e);
    });
    const g2 = g[0]! ** 2 + g[1]! ** 2 + g[2]! ** 2 || 1;
    for (let a = 0; a < 3; a++) p[a] = p[a]! - (d * g[a]!) / g2;
  }
  return p;
}

/** Points spread by area over the exact surface: area samples of a fine SDF mesh, each projected onto the surface. */
export function analyticSurfacePoints(object: DemoObject, count: number, rng: Rng): Float32Array {
  const mesh = objectMesh(object, 128);
  const { points } = sampleMeshSurface(mesh.positions, mesh.indices, count, rng);
  for (let i = 0; i < count; i++) points.set(projectToSurface(object, [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!]), 3 * i);
  return points;
}

/** The bounding-box diagonal of a point set: the object's size for relative errors. */
export function boundsDiagonal(points: Float32Array): number {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, points[i + a]!);
      hi[a] = Math.max(hi[a]!, points[i + a]!);
    }
  return Math.hypot(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!);
}

/** Mean distance from each point of `from` to its nearest point of `to` (uniform-grid nearest neighbour search). */
export function meanNearestDistance(from: Float32Array, to: Float32Array, cellM = 0.05): number {
  const cells = new Map<string, number[]>();
  const key = (i: number, j: number, k: number) => `${i},${j},${k}`;
  for (let p = 0; p < to.length / 3; p++) {
    const c = key(Math.floor(to[3 * p]! / cellM), Math.floor(to[3 * p + 1]! / cellM), Math.floor(to[3 * p + 2]! / cellM));
    const list = cells.get(c);
    if (list) list.push(p);
    else cells.set(c, [p]);
  }
  let sum = 0;
  for (let q = 0; q < from.length / 3; q++) {
    const x = from[3 * q]!, y = from[3 * q + 1]!, z = from[3 * q + 2]!;
    const ci = Math.floor(x / cellM), cj = Math.floor(y / cellM), ck = Math.floor(z / cellM);
    let best = Infinity;
    // Grow the searched shell until the best distance found is provably the nearest.
    for (let r = 0; r < 64 && best > (r - 1) * cellM; r++) {
      for (let i = ci - r; i <= ci + r; i++)
        for (let j = cj - r; j <= cj + r; j++)
          for (let k = ck - r; k <= ck + r; k++) {
            if (Math.max(Math.abs(i - ci), Math.abs(j - cj), Math.abs(k - ck)) !== r) continue;
            for (const p of cells.get(key(i, j, k)) ?? []) best = Math.min(best, Math.hypot(to[3 * p]! - x, to[3 * p + 1]! - y, to[3 * p + 2]! - z));
          }
    }
    sum += best;
  }
  return sum / (from.length / 3);
}

/** Symmetric Chamfer distance: the mean of both directed mean nearest-point distances. */
export function chamferDistance(a: Float32Array, b: Float32Array): number {
  return 0.5 * (meanNearestDistance(a, b) + meanNearestDistance(b, a));
}
