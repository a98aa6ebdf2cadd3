/** The highest spherical-harmonics degree Kiln stores (3DGS's 3). */
export const MAX_SH_DEGREE = 3;

/** Coefficients per colour channel for a degree: (deg + 1)². */
export function shCoeffCount(degree: number): number {
  return (degree + 1) * (degree + 1);
}

/**
 * The raw parameters of N Gaussians (docs/conventions.md): means (N×3), log-scales (N×3), quaternions (w, x, y, z; N×4,
 * normalised on use), opacity logits (N), SH DC (N×3) and the rest (N×3×(K−1), channel-major as in the Inria PLY,
 * K = (shDegreeMax + 1)²). The same layout is the live model, a snapshot and a PLY.
 */
export interface GaussianArrays<T extends ArrayLike<number> = Float32Array> {
  count: number;
  shDegreeMax: number;
  means: T;
  logScales: T;
  quats: T;
  opacityLogits: T;
  shDc: T;
  shRest: T;
}

/** Floats of SH "rest" per Gaussian: 3 channels × ((deg+1)² − 1) coefficients. */
export function shRestFloats(shDegreeMax: number): number {
  return 3 * (shCoeffCount(shDegreeMax) - 1);
}

/** The per-Gaussian width of each parameter group, in floats. */
export function groupWidths(shDegreeMax: number) {
  return { means: 3, logScales: 3, quats: 4, opacityLogits: 1, shDc: 3, shRest: shRestFloats(shDegreeMax) } as const;
}

export type ParamGroup = keyof ReturnType<typeof groupWidths>;
export const PARAM_GROUPS: readonly ParamGroup[] = ['means', 'logScales', 'quats', 'opacityLogits', 'shDc', 'shRest'];

export function allocateGaussians(count: number, shDegreeMax: number): GaussianArrays {
  const w = groupWidths(shDegreeMax);
  return {
    count,
    shDegreeMax,
    means: new Float32Array(count * w.means),
    logScales: new Float32Array(count * w.logScales),
    quats: new Float32Array(count * w.quats),
    opacityLogits: new Float32Array(count * w.opacityLogits),
    shDc: new Float32Array(count * w.shDc),
    shRest: new Float32Array(count * w.shRest),
  };
}
