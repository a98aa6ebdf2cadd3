import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { gaussiansToInriaColumns } from './inria-columns';
import { PLY_FRAME } from './ply-frame';

/**
 * Kiln's Gaussians as a binary little-endian PLY in the Inria 3DGS layout: one float32 property per column
 * (x y z nx ny nz f_dc_0..2 f_rest_* opacity scale_0..2 rot_0..3), raw parameters (opacity logit, log scales,
 * rot_0 = w), in the PLY frame of ply-frame.ts.
 */
export function writeInriaPly(g: GaussianArrays): Uint8Array {
  const columns = gaussiansToInriaColumns(g);
  const header = [
    'ply',
    'format binary_little_endian 1.0',
    `comment Kiln 3D Gaussian Splatting export; frame ${PLY_FRAME} (+x right, +y down, +z forward)`,
    `element vertex ${g.count}`,
    ...columns.map((c) => `property float ${c.name}`),
    'end_header',
    '',
  ].join('\n');
  const headerBytes = new TextEncoder().encode(header);
  const rowBytes = 4 * columns.length;
  const out = new Uint8Array(headerBytes.byteLength + g.count * rowBytes);
  out.set(headerBytes);
  const view = new DataView(out.buffer, headerBytes.byteLength);
  columns.forEach((column, c) => {
    const values = column.values;
    for (let i = 0; i < g.count; i++) view.setFloat32(i * rowBytes + 4 * c, values[i]!, true);
  });
  return out;
}
