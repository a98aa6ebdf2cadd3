import { KilnError } from '../../../shared/errors';
import { allocateGaussians, shRestFloats, type GaussianArrays, type ParamGroup } from '../../../shared/gaussians/gaussian-layout';
import { MAX_SH_DEGREE } from '../../scene/gaussians/spherical-harmonics';
import { convertPlyFrame } from './ply-frame';

/** One per-Gaussian property of the Inria 3DGS layout, as a column of N floats. */
export interface NamedColumn {
  name: string;
  values: Float32Array;
}

/** The Inria property names in file order for an SH degree (normals included; Kiln writes them as zeros). */
export function inriaPropertyNames(shDegreeMax: number): string[] {
  return [
    'x', 'y', 'z', 'nx', 'ny', 'nz',
    'f_dc_0', 'f_dc_1', 'f_dc_2',
    ...Array.from({ length: shRestFloats(shDegreeMax) }, (_, k) => `f_rest_${k}`),
    'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3',
  ];
}

/** Where each Inria property lives in GaussianArrays: the group and the float within a Gaussian's row. */
interface PropertySource {
  group: ParamGroup;
  width: number;
  offset: number;
}

function propertySources(shDegreeMax: number): Map<string, PropertySource> {
  const sources = new Map<string, PropertySource>();
  const add = (names: string[], group: ParamGroup) =>
    names.forEach((name, offset) => sources.set(name, { group, width: names.length, offset }));
  add(['x', 'y', 'z'], 'means');
  add(['f_dc_0', 'f_dc_1', 'f_dc_2'], 'shDc');
  // f_rest_k is float k of the channel-major rest block, which is exactly Kiln's shRest row.
  add(Array.from({ length: shRestFloats(shDegreeMax) }, (_, k) => `f_rest_${k}`), 'shRest');
  add(['opacity'], 'opacityLogits');
  add(['scale_0', 'scale_1', 'scale_2'], 'logScales');
  add(['rot_0', 'rot_1', 'rot_2', 'rot_3'], 'quats');
  return sources;
}

/** Kiln's Gaussians as Inria PLY columns, in file order and in the PLY frame (ply-frame.ts). */
export function gaussiansToInriaColumns(g: GaussianArrays): NamedColumn[] {
  const framed = convertPlyFrame(g);
  const sources = propertySources(g.shDegreeMax);
  return inriaPropertyNames(g.shDegreeMax).map((name) => {
    const values = new Float32Array(g.count);
    const source = sources.get(name);
    if (source) {
      const src = framed[source.group];
      for (let i = 0; i < g.count; i++) values[i] = src[i * source.width + source.offset]!;
    }
    return { name, values };
  });
}

/** SH degree whose rest block has `restFloats` floats, or −1 if none does. */
function shDegreeForRestFloats(restFloats: number): number {
  for (let degree = 0; degree <= MAX_SH_DEGREE; degree++) if (shRestFloats(degree) === restFloats) return degree;
  return -1;
}

/**
 * Kiln's Gaussians from Inria PLY columns (any order, extra columns ignored, normals optional), converted from the
 * PLY frame back to Kiln's world. The SH degree follows from how many f_rest_* columns there are.
 */
export function gaussiansFromInriaColumns(columns: ReadonlyMap<string, Float32Array>, count: number): GaussianArrays {
  let restFloats = 0;
  while (columns.has(`f_rest_${restFloats}`)) restFloats++;
  const extraRest = [...columns.keys()].filter((name) => /^f_rest_\d+$/.test(name) && Number(name.slice(7)) >= restFloats);
  const shDegreeMax = shDegreeForRestFloats(restFloats);
  if (shDegreeMax < 0 || extraRest.length > 0) {
    throw new KilnError(
      'invalid-request',
      `this PLY has ${restFloats + extraRest.length} f_rest_* properties${extraRest.length > 0 ? ` with gaps (f_rest_${restFloats} is missing)` : ''}; ` +
        `a 3DGS PLY has f_rest_0 … f_rest_{n−1} with n = 0, 9, 24 or 45 (SH degree 0–3). Re-export it from the trainer.`,
    );
  }
  const sources = propertySources(shDegreeMax);
  const missing = [...sources.keys()].filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new KilnError(
      'invalid-request',
      `this PLY is not a 3D Gaussian Splatting file: its vertices lack ${missing.join(', ')}. ` +
        'Kiln imports the Inria layout (x y z f_dc_* f_rest_* opacity scale_* rot_*), as written by 3DGS trainers and splat tools.',
    );
  }
  const framed = allocateGaussians(count, shDegreeMax);
  for (const [name, source] of sources) {
    const values = columns.get(name)!;
    const dst = framed[source.group];
    for (let i = 0; i < count; i++) dst[i * source.width + source.offset] = values[i]!;
  }
  return convertPlyFrame(framed);
}
