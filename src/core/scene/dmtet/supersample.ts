import type { KernelCamera } from '../../render/kernel-camera';

/**
 * Supersampling: a view rendered at s× its size and box-filtered back, so each output pixel averages s×s samples at
 * ((i + (a + ½)/s), (j + (b + ½)/s)) — exactly the demo ray caster's supersampling pattern (raycast.ts), which the
 * analytic antialias pass alone does not reproduce at silhouettes.
 */
export function supersampledCamera(c: KernelCamera, s: number): KernelCamera {
  return { ...c, fx: s * c.fx, fy: s * c.fy, cx: s * c.cx, cy: s * c.cy, width: s * c.width, height: s * c.height };
}

/** Box-filters B×C×(sH)×(sW) planes down to B×C×H×W (C·B planes in all). */
export function boxDownsample(fine: Float32Array, planes: number, width: number, height: number, s: number): Float32Array {
  if (s === 1) return fine;
  const out = new Float32Array(planes * width * height);
  const fw = s * width, k = 1 / (s * s);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let b = 0; b < s; b++) {
          const row = (p * s * height + s * y + b) * fw + s * x;
          for (let a = 0; a < s; a++) sum += fine[row + a]!;
        }
        out[(p * height + y) * width + x] = sum * k;
      }
  return out;
}

/** The adjoint of boxDownsample: each fine pixel receives its output pixel's gradient / s². */
export function boxDownsampleBackward(grad: Float32Array, planes: number, width: number, height: number, s: number): Float32Array {
  if (s === 1) return grad;
  const fw = s * width, k = 1 / (s * s);
  const out = new Float32Array(planes * s * s * width * height);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const g = grad[(p * height + y) * width + x]! * k;
        for (let b = 0; b < s; b++) out.fill(g, (p * s * height + s * y + b) * fw + s * x, (p * s * height + s * y + b) * fw + s * x + s);
      }
  return out;
}
