import { readInriaPly, readInriaPlyFile } from '../../export/ply/ply-reader';
import { allocateGaussians, shRestFloats, type GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { MAX_SH_DEGREE, shCoeffCount } from './spherical-harmonics';

/**
 * The same Gaussians with SH up to `shDegreeMax`: higher bands dropped, or missing bands zero (so the colour is
 * unchanged either way at the bands both share). shRest is channel-major, so each channel's block is resized.
 */
export function withShDegreeMax(g: GaussianArrays, shDegreeMax: number): GaussianArrays {
  if (!Number.isInteger(shDegreeMax) || shDegreeMax < 0 || shDegreeMax > MAX_SH_DEGREE) {
    throw new Error(`shDegreeMax must be an integer in 0..${MAX_SH_DEGREE}, got ${shDegreeMax}`);
  }
  if (shDegreeMax === g.shDegreeMax) return g;
  const out = allocateGaussians(g.count, shDegreeMax);
  out.means.set(g.means);
  out.logScales.set(g.logScales);
  out.quats.set(g.quats);
  out.opacityLogits.set(g.opacityLogits);
  out.shDc.set(g.shDc);
  const srcPerChannel = shCoeffCount(g.shDegreeMax) - 1;
  const dstPerChannel = shCoeffCount(shDegreeMax) - 1;
  const kept = Math.min(srcPerChannel, dstPerChannel);
  const srcRow = shRestFloats(g.shDegreeMax);
  const dstRow = shRestFloats(shDegreeMax);
  for (let i = 0; i < g.count; i++)
    for (let c = 0; c < 3; c++) {
      const from = i * srcRow + c * srcPerChannel;
      out.shRest.set(g.shRest.subarray(from, from + kept), i * dstRow + c * dstPerChannel);
    }
  return out;
}

/** Gaussians to start a run from, read from an Inria 3DGS PLY (bytes or a path) at the run's SH degree. */
export function initialiseFromPly(source: Uint8Array | string, shDegreeMax: number): GaussianArrays {
  const g = typeof source === 'string' ? readInriaPlyFile(source) : readInriaPly(source);
  return withShDegreeMax(g, shDegreeMax);
}
