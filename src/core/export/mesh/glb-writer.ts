import { Document, NodeIO } from '@gltf-transform/core';

export interface TexturedMesh {
  /** V×3 metres, Y up. */
  positions: Float32Array;
  /** V×3 unit normals. */
  normals: Float32Array;
  /** V×2, origin top-left (glTF TEXCOORD_0). */
  uvs: Float32Array;
  indices: Uint32Array;
  /** The base-colour texture as PNG bytes (sRGB). */
  baseColourPng: Uint8Array;
}

/**
 * One node, one mesh, one primitive with POSITION, NORMAL and TEXCOORD_0, and a PBR metallic-roughness material
 * whose base colour is the embedded PNG (non-metallic, fully rough: the Gaussians' colour already holds the lighting
 * the prior saw), as a binary glTF.
 */
export async function writeGlb(mesh: TexturedMesh, name = 'kiln-object'): Promise<Uint8Array> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'Kiln';
  const buffer = doc.createBuffer();
  const vertexCount = mesh.positions.length / 3;
  const indexArray = vertexCount <= 0xffff ? Uint16Array.from(mesh.indices) : mesh.indices;
  const texture = doc.createTexture('baseColor').setImage(mesh.baseColourPng).setMimeType('image/png');
  const material = doc
    .createMaterial(`${name}-material`)
    .setBaseColorTexture(texture)
    .setMetallicFactor(0)
    .setRoughnessFactor(1);
  const primitive = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(mesh.positions).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(mesh.normals).setBuffer(buffer))
    .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(mesh.uvs).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(indexArray).setBuffer(buffer))
    .setMaterial(material);
  const node = doc.createNode(name).setMesh(doc.createMesh(name).addPrimitive(primitive));
  const scene = doc.createScene('scene').addChild(node);
  doc.getRoot().setDefaultScene(scene);
  return new NodeIO().writeBinary(doc);
}
