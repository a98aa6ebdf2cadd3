import type { TriangleMesh } from '../export/mesh/triangle-mesh';
import type { KernelCamera } from './kernel-camera';

function checkFinite(values: Float32Array, what: string): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) throw new Error(`${what}[${k}] is ${values[k]}; every value must be finite`);
  }
}

/** Checks the mesh's shape, finiteness and indices (programmer errors: a plain Error). */
export function checkMesh(mesh: TriangleMesh): void {
  const { positions, indices } = mesh;
  if (!(positions instanceof Float32Array) || positions.length % 3 !== 0) {
    throw new Error('mesh.positions must be a Float32Array of V × 3 floats');
  }
  if (!(indices instanceof Uint32Array) || indices.length % 3 !== 0) {
    throw new Error('mesh.indices must be a Uint32Array of F × 3 vertex indices');
  }
  checkFinite(positions, 'mesh.positions');
  const vertexCount = positions.length / 3;
  for (let k = 0; k < indices.length; k++) {
    const v = indices[k]!;
    if (v >= vertexCount) throw new Error(`mesh.indices[${k}] = ${v} is not a vertex index (V = ${vertexCount})`);
  }
}

/** Checks a camera batch: at least one camera, one shared image size, a positive near plane. */
export function checkCameras(cameras: readonly KernelCamera[]): { width: number; height: number } {
  if (cameras.length === 0) throw new Error('the mesh rasterizer needs at least one camera');
  const { width, height } = cameras[0]!;
  if (cameras.some((c) => c.width !== width || c.height !== height)) {
    throw new Error('all cameras of a batch must share one image size');
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image size ${width}×${height} must be positive integers`);
  }
  cameras.forEach((c, b) => {
    if (!(c.near > 0)) throw new Error(`camera ${b}: near must be positive for a mesh (it is ${c.near})`);
    if (![...Array.from(c.R), ...Array.from(c.t), c.fx, c.fy, c.cx, c.cy].every(Number.isFinite) || !(c.fx > 0) || !(c.fy > 0)) {
      throw new Error(`camera ${b} has a non-finite value or a non-positive focal length`);
    }
  });
  return { width, height };
}

/** Checks that `values` holds `rows` × `channels` finite floats. */
export function checkChannels(values: Float32Array, channels: number, rows: number, what: string): void {
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`${what}: channels must be a positive integer`);
  if (!(values instanceof Float32Array) || values.length !== rows * channels) {
    throw new Error(`${what} must be a Float32Array of ${rows} × ${channels} floats (got ${values.length})`);
  }
  checkFinite(values, what);
}
