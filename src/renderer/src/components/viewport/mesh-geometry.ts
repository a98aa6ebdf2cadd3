import { BufferAttribute, BufferGeometry, Color, SRGBColorSpace } from 'three';
import type { MeshSnapshot } from '../../../../shared/mesh/mesh-snapshot-payload';

/**
 * The albedo bytes are display (sRGB) values: the demo prior shades them as they are, as a texture's colours are
 * read. three lights in linear space, so each byte is decoded once through this table.
 */
const SRGB_BYTE_TO_LINEAR = Float32Array.from({ length: 256 }, (_, v) => new Color().setRGB(v / 255, v / 255, v / 255, SRGBColorSpace).r);

/**
 * A mesh snapshot as three geometry: positions and triangles as stored, the per-vertex albedo as linear vertex
 * colours, and smooth vertex normals (area-weighted over the faces around each vertex, three's computeVertexNormals).
 */
export function meshGeometry(mesh: MeshSnapshot): BufferGeometry {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(mesh.positions, 3));
  geometry.setIndex(new BufferAttribute(mesh.indices, 1));
  const colours = new Float32Array(mesh.albedo.length);
  for (let i = 0; i < colours.length; i++) colours[i] = SRGB_BYTE_TO_LINEAR[mesh.albedo[i]!]!;
  geometry.setAttribute('color', new BufferAttribute(colours, 3));
  geometry.computeVertexNormals();
  geometry.computeBoundingSphere();
  return geometry;
}
