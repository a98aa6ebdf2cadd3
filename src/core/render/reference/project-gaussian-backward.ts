import { evalShBasis, shCoeffCount } from '../../scene/gaussians/spherical-harmonics';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import type { KernelCamera } from '../kernel-camera';
import type { ProjectedGaussian } from './project-gaussian';

/** Gradients arriving at one projected Gaussian from the compositor. */
export interface ScreenGradient {
  u: number;
  v: number;
  conic: [number, number, number];
  colour: [number, number, number];
  opacity: number;
  depth: number;
}

/** Accumulates ∂L/∂(raw parameters of Gaussian i) into `grads` from the screen-space gradient of one view. */
export function projectGaussianBackward(
  g: GaussianArrays<ArrayLike<number>>,
  i: number,
  cam: KernelCamera,
  shDegree: number,
  p: ProjectedGaussian,
  s: ScreenGradient,
  grads: GaussianArrays<Float64Array>,
): void {
  const R = cam.R;
  const dMean = [0, 0, 0];

  // Colour from SH (clamped channels pass no gradient).
  const K = shCoeffCount(shDegree);
  const Kmax = shCoeffCount(g.shDegreeMax);
  const basis = new Float64Array(16);
  const dBasis = new Float64Array(48);
  evalShBasis(shDegree, p.dir[0], p.dir[1], p.dir[2], basis, dBasis);
  const dDir = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    const dSum = p.colourClamped[ch] ? 0 : s.colour[ch]!;
    if (dSum === 0) continue;
    grads.shDc[3 * i + ch]! += dSum * basis[0]!;
    for (let k = 1; k < K; k++) {
      const idx = i * 3 * (Kmax - 1) + ch * (Kmax - 1) + (k - 1);
      grads.shRest[idx]! += dSum * basis[k]!;
      const coef = g.shRest[idx]!;
      for (let a = 0; a < 3; a++) dDir[a]! += dSum * coef * dBasis[3 * k + a]!;
    }
  }
  const dDotD = dDir[0]! * p.dir[0] + dDir[1]! * p.dir[1] + dDir[2]! * p.dir[2];
  for (let a = 0; a < 3; a++) dMean[a]! += (dDir[a]! - dDotD * p.dir[a]!) / p.dirNorm;

  const [x, y, z] = p.pView;
  const { fx, fy } = cam;
  const dView = [0, 0, s.depth];
  dView[0]! += (s.u * fx) / z;
  dView[1]! += (s.v * fy) / z;
  dView[2]! += (-s.u * fx * x) / (z * z) - (s.v * fy * y) / (z * z);

  // conic = inverse(cov2): dΣ2 = −Q G_Q Q, with the off-diagonal counted twice.
  const [A, B, C] = p.conic;
  const gA = s.conic[0], gB = 0.5 * s.conic[1], gC = s.conic[2];
  // (Q G Q) for symmetric Q = [[A,B],[B,C]], G = [[gA,gB],[gB,gC]]
  const QG00 = A * gA + B * gB, QG01 = A * gB + B * gC, QG10 = B * gA + C * gB, QG11 = B * gB + C * gC;
  const G2 = [-(QG00 * A + QG01 * B), -(QG00 * B + QG01 * C), -(QG10 * B + QG11 * C)]; // [00, 01, 11]
  // cov2 = T Σ Tᵀ: dΣ3 = Tᵀ G2 T, dT = 2 G2 T Σ3 (G2 symmetric 2×2 as [[G2[0],G2[1]],[G2[1],G2[2]]]).
  const T = p.T;
  const G2m = [G2[0]!, G2[1]!, G2[1]!, G2[2]!];
  const G2T = new Array<number>(6);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 3; c++) G2T[3 * r + c] = G2m[2 * r]! * T[c]! + G2m[2 * r + 1]! * T[3 + c]!;
  const dCov3 = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) dCov3[3 * r + c] = T[r]! * G2T[c]! + T[3 + r]! * G2T[3 + c]!;
  const dT = new Array<number>(6);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 3; c++)
      dT[3 * r + c] = 2 * (G2T[3 * r]! * p.cov3[c]! + G2T[3 * r + 1]! * p.cov3[3 + c]! + G2T[3 * r + 2]! * p.cov3[6 + c]!);
  // T = J W → dJ = dT Wᵀ
  const dJ = new Array<number>(6);
  for (let r = 0; r < 2; r++)
    for (let k = 0; k < 3; k++) dJ[3 * r + k] = dT[3 * r]! * R[3 * k]! + dT[3 * r + 1]! * R[3 * k + 1]! + dT[3 * r + 2]! * R[3 * k + 2]!;
  // J = [[fx/z, 0, −fx·tx/z], [0, fy/z, −fy·ty/z]], tx = clamp(x/z) (constant when clamped).
  const limX = (1.3 * 0.5 * cam.width) / fx;
  const limY = (1.3 * 0.5 * cam.height) / fy;
  const txz = p.clampX === 0 ? x / z : p.clampX * limX;
  const tyz = p.clampY === 0 ? y / z : p.clampY * limY;
  dView[2]! += dJ[0]! * (-fx / (z * z)) + dJ[4]! * (-fy / (z * z));
  dView[2]! += dJ[2]! * ((fx * txz) / (z * z)) + dJ[5]! * ((fy * tyz) / (z * z));
  if (p.clampX === 0) {
    dView[0]! += dJ[2]! * (-fx / (z * z));
    dView[2]! += dJ[2]! * ((fx * x) / (z * z * z));
  }
  if (p.clampY === 0) {
    dView[1]! += dJ[5]! * (-fy / (z * z));
    dView[2]! += dJ[5]! * ((fy * y) / (z * z * z));
  }
  // pView = W μ + t
  for (let a = 0; a < 3; a++) dMean[a]! += R[a]! * dView[0]! + R[3 + a]! * dView[1]! + R[6 + a]! * dView[2]!;
  for (let a = 0; a < 3; a++) grads.means[3 * i + a]! += dMean[a]!;

  // Σ3 = M Mᵀ, M = rot·diag(scale): dM = 2 dΣ3 M (dΣ3 symmetric).
  const { rot, scale } = p;
  const dRot = new Array<number>(9);
  for (let c = 0; c < 3; c++) {
    let dScale = 0;
    for (let r = 0; r < 3; r++) {
      let dM = 0;
      for (let k = 0; k < 3; k++) dM += 2 * dCov3[3 * r + k]! * rot[3 * k + c]! * scale[c]!;
      dScale += dM * rot[3 * r + c]!;
      dRot[3 * r + c] = dM * scale[c]!;
    }
    grads.logScales[3 * i + c]! += dScale * scale[c]!;
  }
  const [w, qx, qy, qz] = p.q;
  const d = dRot as [number, number, number, number, number, number, number, number, number];
  const dq = [
    2 * (-qz * d[1] + qy * d[2] + qz * d[3] - qx * d[5] - qy * d[6] + qx * d[7]),
    2 * (qy * d[1] + qz * d[2] + qy * d[3] - 2 * qx * d[4] - w * d[5] + qz * d[6] + w * d[7] - 2 * qx * d[8]),
    2 * (-2 * qy * d[0] + qx * d[1] + w * d[2] + qx * d[3] + qz * d[5] - w * d[6] + qz * d[7] - 2 * qy * d[8]),
    2 * (-2 * qz * d[0] - w * d[1] + qx * d[2] + w * d[3] - 2 * qz * d[4] + qy * d[5] + qx * d[6] + qy * d[7]),
  ];
  const dqDotQ = dq[0]! * w + dq[1]! * qx + dq[2]! * qy + dq[3]! * qz;
  for (let a = 0; a < 4; a++) grads.quats[4 * i + a]! += (dq[a]! - dqDotQ * p.q[a]!) / p.qNorm;

  grads.opacityLogits[i]! += s.opacity * p.opacity * (1 - p.opacity);
}
