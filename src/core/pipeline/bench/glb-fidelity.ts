import { NodeIO } from '@gltf-transform/core';
import { analyticSurfacePoints, boundsDiagonal, chamferDistance } from '../../diffusion/demo/object-surface';
import { demoObject } from '../../diffusion/demo/objects';
import { glbAlbedoError } from './glb-albedo';
import { triangleComponents } from '../../export/mesh/mesh-components';
import type { TriangleMesh } from '../../export/mesh/triangle-mesh';
import { Rng } from '../../random/rng';
import { sampleMeshSurface } from '../../scene/gaussians/initialise';

export interface GlbFidelity {
  triangles: number;
  /** Connected pieces, the texture seams welded. */
  pieces: number;
  sizeM: number;
  chamferM: number;
  chamferPercent: number;
  /** Share of the true surface's samples within 2 % of the size of the mesh's. */
  coveredShare: number;
  /** Mean absolute error of the base-colour texture against the albedo, per channel in 1/255 (glb-albedo.ts). */
  albedoError: [number, number, number] | null;
}

/** The GLB's triangles in one mesh, vertices welded where positions are equal (UV seams split them). */
export async function readGlbTriangles(bytes: Uint8Array): Promise<TriangleMesh> {
  const doc = await new NodeIO().readBinary(bytes);
  const positions: number[] = [];
  const indices: number[] = [];
  const welded = new Map<string, number>();
  for (const mesh of doc.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      const p = primitive.getAttribute('POSITION')!.getArray()!;
      const index = primitive.getIndices()?.getArray() ?? Uint32Array.from({ length: p.length / 3 }, (_, i) => i);
      const ids = Array.from({ length: p.length / 3 }, (_, v) => {
        const key = `${p[3 * v]},${p[3 * v + 1]},${p[3 * v + 2]}`;
        let id = welded.get(key);
        if (id === undefined) {
          welded.set(key, (id = positions.length / 3));
          positions.push(p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!);
        }
        return id;
      });
      for (const i of index) indices.push(ids[i]!);
    }
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/** Share of `truth`'s points with a point of `mesh` closer than `radius` (uniform grid of that cell size). */
function shareWithin(truth: Float32Array, mesh: Float32Array, radius: number): number {
  const cells = new Set<string>();
  const cellOf = (x: number, y: number, z: number) => [Math.floor(x / radius), Math.floor(y / radius), Math.floor(z / radius)];
  const byCell = new Map<string, number[]>();
  for (let i = 0; i < mesh.length / 3; i++) {
    const key = cellOf(mesh[3 * i]!, mesh[3 * i + 1]!, mesh[3 * i + 2]!).join(',');
    cells.add(key);
    (byCell.get(key) ?? byCell.set(key, []).get(key)!).push(i);
  }
  let near = 0;
  for (let t = 0; t < truth.length / 3; t++) {
    const [x, y, z] = [truth[3 * t]!, truth[3 * t + 1]!, truth[3 * t + 2]!];
    const [ci, cj, ck] = cellOf(x, y, z);
    search: for (let i = ci! - 1; i <= ci! + 1; i++)
      for (let j = cj! - 1; j <= cj! + 1; j++)
        for (let k = ck! - 1; k <= ck! + 1; k++)
          for (const m of byCell.get(`${i},${j},${k}`) ?? []) {
            if (Math.hypot(mesh[3 * m]! - x, mesh[3 * m + 1]! - y, mesh[3 * m + 2]! - z) < radius) {
              near++;
              break search;
            }
          }
  }
  return near / (truth.length / 3);
}

/**
 * How close a GLB exported with pivot `origin` is to a demo object's exact surface (issue 13's measures): Chamfer
 * between area samples of both, the share of the true surface within 2 % of the object's size, its pieces, and its
 * texture's error against the albedo.
 */
export async function glbFidelity(bytes: Uint8Array, objectId: string, samples = 20_000, seed = 11): Promise<GlbFidelity> {
  const mesh = await readGlbTriangles(bytes);
  const rng = new Rng(seed);
  const object = demoObject(objectId);
  const truth = analyticSurfacePoints(object, samples, rng.fork());
  const { points } = sampleMeshSurface(mesh.positions, mesh.indices, samples, rng.fork());
  const sizeM = boundsDiagonal(truth);
  const chamferM = chamferDistance(points, truth);
  return {
    triangles: mesh.indices.length / 3,
    pieces: triangleComponents(mesh).count,
    sizeM,
    chamferM,
    chamferPercent: (100 * chamferM) / sizeM,
    coveredShare: shareWithin(truth, points, 0.02 * sizeM),
    albedoError: await glbAlbedoError(bytes, object, samples, rng.fork()),
  };
}
