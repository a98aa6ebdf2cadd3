import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { objectAlbedoAt, projectToSurface } from '../../diffusion/demo/object-surface';
import type { DemoObject } from '../../diffusion/demo/objects';
import type { Rng } from '../../random/rng';
import { sampleMeshSurface } from '../../scene/gaussians/initialise';

/**
 * The base-colour texture's error against the object's albedo (issue 13: within 12/255 per channel): at area
 * samples of the GLB's surface, the texel its UVs point to (nearest) against the albedo at the nearest point of the
 * exact surface; the mean absolute difference per channel in 1/255. Both are compared as stored (the texture's
 * bytes and the demo renders' colour values share one encoding). Null when the GLB has no base-colour texture.
 */
export async function glbAlbedoError(bytes: Uint8Array, object: DemoObject, samples: number, rng: Rng): Promise<[number, number, number] | null> {
  const doc = await new NodeIO().readBinary(bytes);
  const primitive = doc.getRoot().listMeshes()[0]?.listPrimitives()[0];
  const png = primitive?.getMaterial()?.getBaseColorTexture()?.getImage();
  const uv = primitive?.getAttribute('TEXCOORD_0')?.getArray();
  if (!primitive || !png || !uv) return null;
  const positions = Float32Array.from(primitive.getAttribute('POSITION')!.getArray()!);
  const vertices = positions.length / 3;
  const indices = Uint32Array.from(primitive.getIndices()?.getArray() ?? Array.from({ length: vertices }, (_, i) => i));
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // sampleMeshSurface interpolates per-vertex triples barycentrically: (u, v, 0) gives each sample's UV.
  const uv3 = new Float32Array(3 * vertices);
  for (let v = 0; v < vertices; v++) uv3.set([uv[2 * v]!, uv[2 * v + 1]!, 0], 3 * v);
  const { points, colours } = sampleMeshSurface(positions, indices, samples, rng, uv3);
  const sum = [0, 0, 0];
  for (let i = 0; i < samples; i++) {
    const col = Math.min(info.width - 1, Math.max(0, Math.floor(colours![3 * i]! * info.width)));
    const row = Math.min(info.height - 1, Math.max(0, Math.floor(colours![3 * i + 1]! * info.height)));
    const albedo = objectAlbedoAt(object, ...projectToSurface(object, [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!]));
    for (let ch = 0; ch < 3; ch++) sum[ch]! += Math.abs(data[3 * (row * info.width + col) + ch]! - 255 * albedo[ch]!);
  }
  return [sum[0]! / samples, sum[1]! / samples, sum[2]! / samples];
}
