import { encodePngRgb } from '../../image/png';
import { writeGlb } from './glb-writer';
import type { MeshExportSettings } from './mesh-export-settings';
import { placeMesh } from './mesh-placement';
import { bakeTexture, type BakedTexture, type ColourProbe } from './texture-bake';
import { vertexNormals, type TriangleMesh } from './triangle-mesh';
import { unwrapUvs } from './uv-unwrap';

/** A stopwatch: each call returns the milliseconds since the previous one (or since it was made). */
export function lapTimer(): () => number {
  let t = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
}

export interface TexturedWorldMesh extends TriangleMesh {
  normals: Float32Array;
  uvs: Float32Array;
}

/**
 * The tail every mesh export shares: a finished world-space surface → UV atlas (xatlas) → base-colour texture
 * baked from `probeFor` (given the atlas's vertex positions) → placed at the pivot and scaled → GLB bytes. `lap`
 * times the unwrap, bake and GLB steps into `timingsMs`.
 */
export async function unwrapBakeAndWrite(
  mesh: TriangleMesh,
  probeFor: (positions: Float32Array) => ColourProbe,
  settings: MeshExportSettings,
  lap: () => number,
  timingsMs: Partial<Record<'unwrap' | 'bake' | 'glb', number>>,
): Promise<{ glb: Uint8Array; worldMesh: TexturedWorldMesh; texture: { pixels: Uint8Array; size: number }; baked: BakedTexture; vertices: number }> {
  const normals = vertexNormals(mesh);
  const atlas = await unwrapUvs(mesh);
  const vertices = atlas.sourceVertex.length;
  const positions = new Float32Array(3 * vertices);
  const outNormals = new Float32Array(3 * vertices);
  atlas.sourceVertex.forEach((src, v) => {
    positions.set(mesh.positions.subarray(3 * src, 3 * src + 3), 3 * v);
    outNormals.set(normals.subarray(3 * src, 3 * src + 3), 3 * v);
  });
  timingsMs.unwrap = lap();
  const baked = bakeTexture({ positions, normals: outNormals, uvs: atlas.uvs, indices: atlas.indices, size: settings.textureSize }, probeFor(positions));
  timingsMs.bake = lap();
  const glb = await writeGlb({
    positions: placeMesh(positions, settings.pivot, settings.scale),
    normals: outNormals,
    uvs: atlas.uvs,
    indices: atlas.indices,
    baseColourPng: encodePngRgb(baked.pixels, baked.size, baked.size),
  });
  timingsMs.glb = lap();
  return { glb, worldMesh: { positions, indices: atlas.indices, normals: outNormals, uvs: atlas.uvs }, texture: { pixels: baked.pixels, size: baked.size }, baked, vertices };
}
