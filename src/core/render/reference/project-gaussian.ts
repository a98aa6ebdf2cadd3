import { evalShBasis, shCoeffCount } from '../../scene/gaussians/spherical-harmonics';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { quatToRotation } from '../../scene/gaussians/quaternion';
import { kernelCameraPosition, type KernelCamera } from '../kernel-camera';
import { RASTER } from '../raster-constants';

/** One Gaussian as seen by one camera (float64): what the compositor needs, plus what its backward pass reuses. */
export interface ProjectedGaussian {
  visible: boolean;
  radius: number;
  u: number;
  v: number;
  depth: number;
  /** Inverse 2D covariance [A, B, C] for power = −½(A dx² + C dy²) − B dx dy. */
  conic: [number, number, number];
  opacity: number;
  colour: [number, number, number];
  /** Tile rectangle [x0, y0, x1, y1) in tiles. */
  rect: [number, number, number, number];
  // Kept for the backward pass.
  pView: [number, number, number];
  q: [number, number, number, number];
  qNorm: number;
  rot: number[];
  scale: [number, number, number];
  cov3: number[];
  cov2: [number, number, number];
  T: number[];
  clampX: number;
  clampY: number;
  dir: [number, number, number];
  dirNorm: number;
  colourClamped: [boolean, boolean, boolean];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function projectGaussian(
  g: GaussianArrays<ArrayLike<number>>,
  i: number,
  cam: KernelCamera,
  shDegree: number,
): ProjectedGaussian {
  const R = cam.R;
  const mx = g.means[3 * i]!, my = g.means[3 * i + 1]!, mz = g.means[3 * i + 2]!;
  const pView: [number, number, number] = [
    R[0]! * mx + R[1]! * my + R[2]! * mz + cam.t[0]!,
    R[3]! * mx + R[4]! * my + R[5]! * mz + cam.t[1]!,
    R[6]! * mx + R[7]! * my + R[8]! * mz + cam.t[2]!,
  ];
  const out = { visible: false, radius: 0, pView } as ProjectedGaussian;
  if (pView[2] <= cam.near) return out;

  const qw = g.quats[4 * i]!, qx = g.quats[4 * i + 1]!, qy = g.quats[4 * i + 2]!, qz = g.quats[4 * i + 3]!;
  const qNorm = Math.hypot(qw, qx, qy, qz);
  const q: [number, number, number, number] = [qw / qNorm, qx / qNorm, qy / qNorm, qz / qNorm];
  const rot = quatToRotation(...q);
  const scale: [number, number, number] = [
    Math.exp(g.logScales[3 * i]!), Math.exp(g.logScales[3 * i + 1]!), Math.exp(g.logScales[3 * i + 2]!),
  ];
  // Σ = (R S)(R S)ᵀ
  const M = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => rot[3 * r + c]! * scale[c]!));
  const cov3 = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) cov3[3 * r + c] = M[3 * r]! * M[3 * c]! + M[3 * r + 1]! * M[3 * c + 1]! + M[3 * r + 2]! * M[3 * c + 2]!;

  const [x, y, z] = pView;
  const limX = (RASTER.FRUSTUM_CLAMP * (0.5 * cam.width)) / cam.fx;
  const limY = (RASTER.FRUSTUM_CLAMP * (0.5 * cam.height)) / cam.fy;
  const rx = x / z, ry = y / z;
  const txz = Math.min(limX, Math.max(-limX, rx));
  const tyz = Math.min(limY, Math.max(-limY, ry));
  const clampX = rx > limX ? 1 : rx < -limX ? -1 : 0;
  const clampY = ry > limY ? 1 : ry < -limY ? -1 : 0;
  const J = [cam.fx / z, 0, (-cam.fx * txz) / z, 0, cam.fy / z, (-cam.fy * tyz) / z];
  // T = J·W (2×3)
  const T = new Array<number>(6);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 3; c++) T[3 * r + c] = J[3 * r]! * R[c]! + J[3 * r + 1]! * R[3 + c]! + J[3 * r + 2]! * R[6 + c]!;
  const TS = new Array<number>(6);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 3; c++) TS[3 * r + c] = T[3 * r]! * cov3[c]! + T[3 * r + 1]! * cov3[3 + c]! + T[3 * r + 2]! * cov3[6 + c]!;
  const a = TS[0]! * T[0]! + TS[1]! * T[1]! + TS[2]! * T[2]! + RASTER.DILATION;
  const b = TS[0]! * T[3]! + TS[1]! * T[4]! + TS[2]! * T[5]!;
  const c = TS[3]! * T[3]! + TS[4]! * T[4]! + TS[5]! * T[5]! + RASTER.DILATION;
  const det = a * c - b * b;
  if (!(det > 0)) return out;
  const mid = 0.5 * (a + c);
  const lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det));
  const radius = Math.ceil(RASTER.RADIUS_SIGMAS * Math.sqrt(lambda));
  const u = (cam.fx * x) / z + cam.cx;
  const v = (cam.fy * y) / z + cam.cy;
  const tilesX = Math.ceil(cam.width / RASTER.TILE), tilesY = Math.ceil(cam.height / RASTER.TILE);
  const clampTile = (val: number, n: number) => Math.min(n, Math.max(0, val));
  const rect: [number, number, number, number] = [
    clampTile(Math.floor((u - radius) / RASTER.TILE), tilesX),
    clampTile(Math.floor((v - radius) / RASTER.TILE), tilesY),
    clampTile(Math.ceil((u + radius) / RASTER.TILE), tilesX),
    clampTile(Math.ceil((v + radius) / RASTER.TILE), tilesY),
  ];
  if (rect[0] >= rect[2] || rect[1] >= rect[3]) return out;

  const camPos = kernelCameraPosition(cam);
  const dv: [number, number, number] = [mx - camPos[0], my - camPos[1], mz - camPos[2]];
  const dirNorm = Math.hypot(...dv);
  const dir: [number, number, number] = [dv[0] / dirNorm, dv[1] / dirNorm, dv[2] / dirNorm];
  const K = shCoeffCount(shDegree);
  const Kmax = shCoeffCount(g.shDegreeMax);
  const basis = new Float64Array(16);
  evalShBasis(shDegree, dir[0], dir[1], dir[2], basis);
  const colour: [number, number, number] = [0, 0, 0];
  const colourClamped: [boolean, boolean, boolean] = [false, false, false];
  for (let ch = 0; ch < 3; ch++) {
    let sum = basis[0]! * g.shDc[3 * i + ch]!;
    for (let k = 1; k < K; k++) sum += basis[k]! * g.shRest[i * 3 * (Kmax - 1) + ch * (Kmax - 1) + (k - 1)]!;
    sum += 0.5;
    colourClamped[ch] = sum < 0;
    colour[ch] = Math.max(0, sum);
  }

  return {
    visible: true, radius, u, v, depth: z, conic: [c / det, -b / det, a / det],
    opacity: sigmoid(g.opacityLogits[i]!), colour, rect, pView, q, qNorm, rot, scale, cov3, cov2: [a, b, c], T,
    clampX, clampY, dir, dirNorm, colourClamped,
  };
}
