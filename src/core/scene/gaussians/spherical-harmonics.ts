/**
 * Real spherical harmonics up to degree 3 with the 3DGS constants and sign conventions (docs/conventions.md), evaluated
 * on a unit direction, with the gradient of every basis function with respect to the direction.
 */
export const SH_C0 = 0.28209479177387814;
export const SH_C1 = 0.4886025119029199;
export const SH_C2 = [1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396];
export const SH_C3 = [
  -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154, -0.4570457994644658,
  1.445305721320277, -0.5900435899266435,
];
export { MAX_SH_DEGREE, shCoeffCount } from '../../../shared/gaussians/gaussian-layout';

/**
 * Writes the basis values Y_k(d) for k < (degree+1)² into `basis`, and if `grad` is given, ∂Y_k/∂(x, y, z) into
 * grad[3k..3k+2] (the polynomial's partial derivatives; the caller projects them onto the sphere).
 */
export function evalShBasis(
  degree: number,
  x: number,
  y: number,
  z: number,
  basis: Float64Array,
  grad?: Float64Array,
): void {
  const set = (k: number, v: number, gx: number, gy: number, gz: number) => {
    basis[k] = v;
    if (grad) {
      grad[3 * k] = gx;
      grad[3 * k + 1] = gy;
      grad[3 * k + 2] = gz;
    }
  };
  set(0, SH_C0, 0, 0, 0);
  if (degree < 1) return;
  set(1, -SH_C1 * y, 0, -SH_C1, 0);
  set(2, SH_C1 * z, 0, 0, SH_C1);
  set(3, -SH_C1 * x, -SH_C1, 0, 0);
  if (degree < 2) return;
  const xx = x * x, yy = y * y, zz = z * z;
  const [a0, a1, a2, a3, a4] = SH_C2 as [number, number, number, number, number];
  set(4, a0 * x * y, a0 * y, a0 * x, 0);
  set(5, a1 * y * z, 0, a1 * z, a1 * y);
  set(6, a2 * (2 * zz - xx - yy), -2 * a2 * x, -2 * a2 * y, 4 * a2 * z);
  set(7, a3 * x * z, a3 * z, 0, a3 * x);
  set(8, a4 * (xx - yy), 2 * a4 * x, -2 * a4 * y, 0);
  if (degree < 3) return;
  const [b0, b1, b2, b3, b4, b5, b6] = SH_C3 as [number, number, number, number, number, number, number];
  set(9, b0 * y * (3 * xx - yy), b0 * 6 * x * y, b0 * (3 * xx - 3 * yy), 0);
  set(10, b1 * x * y * z, b1 * y * z, b1 * x * z, b1 * x * y);
  set(11, b2 * y * (4 * zz - xx - yy), b2 * -2 * x * y, b2 * (4 * zz - xx - 3 * yy), b2 * 8 * y * z);
  set(12, b3 * z * (2 * zz - 3 * xx - 3 * yy), b3 * -6 * x * z, b3 * -6 * y * z, b3 * (6 * zz - 3 * xx - 3 * yy));
  set(13, b4 * x * (4 * zz - xx - yy), b4 * (4 * zz - 3 * xx - yy), b4 * -2 * x * y, b4 * 8 * x * z);
  set(14, b5 * z * (xx - yy), b5 * 2 * x * z, b5 * -2 * y * z, b5 * (xx - yy));
  set(15, b6 * x * (xx - 3 * yy), b6 * (3 * xx - 3 * yy), b6 * -6 * x * y, 0);
}
