import { allocateGaussians, type GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { shCoeffCount } from '../../scene/gaussians/spherical-harmonics';

/**
 * The coordinate frame of Kiln's splat files — the one place it is decided.
 *
 * Kiln's world is right-handed, +Y up, +Z toward the default viewer (docs/conventions.md; "RUB"). The Inria 3DGS PLY
 * has no frame field; by convention it holds what the trainers write: COLMAP/OpenCV world coordinates, +Y down,
 * +Z forward ("RDF"). The SPZ reference library names PLY's frame RDF, and splat-transform/SuperSplat also read PLY's
 * +y as down, so Kiln writes its PLY in RDF: a half turn about X, (x, y, z) → (x, −y, −z). Being a rotation (not a
 * mirror) it keeps handedness, and it is its own inverse, so import applies the very same map. SPZ's spec frame is
 * RUB; the SPZ library's RDF → RUB step undoes this half turn, so an SPZ file holds Kiln's world exactly.
 * (PlayCanvas rights PLYs with a half turn about Z instead, so SuperSplat shows Kiln's objects upright but turned
 * 180° about the vertical.) docs/export-formats.md explains this for users.
 *
 * Per Gaussian: means negate y and z; the rotation quaternion is conjugated by the half turn, (w, x, y, z) →
 * (w, x, −y, −z) (R ↦ F·R·F with F = diag(1, −1, −1), the same covariance as F·R because F commutes with the
 * diagonal scale matrix); scales and opacity are unchanged; an SH coefficient changes sign where its basis function
 * is odd in (y, z) together (Y_k(x, −y, −z) = −Y_k(x, y, z)). Every step is a sign flip, so it is bit-exact.
 */
export const PLY_FRAME = 'RDF' as const;

/** Indices k ≥ 1 of the real SH basis (3DGS order) whose function changes sign under (x, y, z) → (x, −y, −z). */
const SH_ODD_UNDER_HALF_TURN_X = new Set([1, 2, 4, 7, 9, 11, 12, 14]);

/** +1 or −1 for each SH "rest" coefficient k = 1..K−1 (index k − 1) under the half turn about X. */
export function shRestSignsForHalfTurnX(shDegreeMax: number): Float32Array {
  const restPerChannel = shCoeffCount(shDegreeMax) - 1;
  const signs = new Float32Array(restPerChannel);
  for (let k = 1; k <= restPerChannel; k++) signs[k - 1] = SH_ODD_UNDER_HALF_TURN_X.has(k) ? -1 : 1;
  return signs;
}

/**
 * Gaussians in Kiln's world → the same Gaussians in the PLY frame, or back (the map is an involution).
 * Returns new arrays; `g` is not modified.
 */
export function convertPlyFrame(g: GaussianArrays): GaussianArrays {
  const out = allocateGaussians(g.count, g.shDegreeMax);
  out.logScales.set(g.logScales);
  out.opacityLogits.set(g.opacityLogits);
  out.shDc.set(g.shDc);
  for (let i = 0; i < g.count; i++) {
    out.means[3 * i] = g.means[3 * i]!;
    out.means[3 * i + 1] = -g.means[3 * i + 1]!;
    out.means[3 * i + 2] = -g.means[3 * i + 2]!;
    out.quats[4 * i] = g.quats[4 * i]!;
    out.quats[4 * i + 1] = g.quats[4 * i + 1]!;
    out.quats[4 * i + 2] = -g.quats[4 * i + 2]!;
    out.quats[4 * i + 3] = -g.quats[4 * i + 3]!;
  }
  const signs = shRestSignsForHalfTurnX(g.shDegreeMax);
  const rest = signs.length;
  // shRest is channel-major per Gaussian: [channel][coefficient], so the sign pattern repeats every `rest` floats.
  for (let j = 0; j < g.shRest.length; j++) out.shRest[j] = signs[j % rest]! * g.shRest[j]!;
  return out;
}
