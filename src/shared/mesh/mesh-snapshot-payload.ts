/**
 * The live mesh the studio draws during the mesh stage: positions (f32 ×3), triangle indices (u32 ×3) and a
 * per-vertex albedo (u8 ×3: the [0, 1] albedo the model renders with, ×255 rounded). Layout,
 * little-endian: "KMSH", version, vertex count V, triangle count T (u32 each), positions, indices, albedo (3V
 * bytes, padded with zeros to a multiple of 4).
 */
export interface MeshSnapshot {
  positions: Float32Array;
  indices: Uint32Array;
  albedo: Uint8Array;
}

const MAGIC = 0x48534d4b; // "KMSH"
const VERSION = 1;
const HEADER_BYTES = 16;

const padded = (n: number) => (n + 3) & ~3;

export function encodeMeshSnapshot(mesh: MeshSnapshot): Uint8Array {
  const vertices = mesh.positions.length / 3, triangles = mesh.indices.length / 3;
  if (mesh.albedo.length !== 3 * vertices) throw new Error(`albedo has ${mesh.albedo.length} bytes for ${vertices} vertices`);
  const out = new Uint8Array(HEADER_BYTES + 12 * vertices + 12 * triangles + padded(3 * vertices));
  const view = new DataView(out.buffer);
  [MAGIC, VERSION, vertices, triangles].forEach((v, i) => view.setUint32(4 * i, v, true));
  out.set(new Uint8Array(mesh.positions.buffer, mesh.positions.byteOffset, mesh.positions.byteLength), HEADER_BYTES);
  out.set(new Uint8Array(mesh.indices.buffer, mesh.indices.byteOffset, mesh.indices.byteLength), HEADER_BYTES + 12 * vertices);
  out.set(mesh.albedo, HEADER_BYTES + 12 * vertices + 12 * triangles);
  return out;
}

export function decodeMeshSnapshot(bytes: Uint8Array): MeshSnapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error('not a mesh snapshot');
  if (view.getUint32(4, true) !== VERSION) throw new Error(`mesh snapshot version ${view.getUint32(4, true)} is not ${VERSION}`);
  const vertices = view.getUint32(8, true), triangles = view.getUint32(12, true);
  if (bytes.byteLength !== HEADER_BYTES + 12 * vertices + 12 * triangles + padded(3 * vertices)) throw new Error('mesh snapshot has the wrong length for its counts');
  // Uint8Array's slice copies (a Node Buffer's would share its pool).
  const copy = (start: number, length: number) => Uint8Array.prototype.slice.call(bytes, start, start + length).buffer;
  const indices = new Uint32Array(copy(HEADER_BYTES + 12 * vertices, 12 * triangles));
  for (const v of indices) if (v >= vertices) throw new Error(`mesh snapshot index ${v} is not a vertex (V = ${vertices})`);
  return {
    positions: new Float32Array(copy(HEADER_BYTES, 12 * vertices)),
    indices,
    albedo: new Uint8Array(copy(HEADER_BYTES + 12 * vertices + 12 * triangles, 3 * vertices)),
  };
}
