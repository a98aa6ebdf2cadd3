import { adamStep, AdamSettings } from '../optim/adam';
import type { Rng } from '../random/rng';
import type { GuidanceMethod } from './guidance';

/**
 * Distils a method into a single free image (no 3D): the 2D sanity check of a method. The image lives in [0, 1]
 * and is updated by Adam on the method's image gradient.
 */
export async function optimiseFreeImage(
  method: GuidanceMethod,
  o: { size: number; iterations: number; lr: number; init?: Float32Array; rng: Rng },
): Promise<Float32Array> {
  const S = o.size;
  const image = o.init ? Float32Array.from(o.init) : new Float32Array(3 * S * S).fill(0.5);
  const m = new Float32Array(image.length);
  const v = new Float32Array(image.length);
  const adam = AdamSettings.parse({ eps: 1e-8 });
  const alpha = new Float32Array(S * S).fill(1);
  const depth = new Float32Array(S * S);
  for (let it = 0; it < o.iterations; it++) {
    const result = await method.step({
      images: image,
      alpha,
      depth,
      views: [{ elevationDeg: 15, azimuthDeg: 0, radiusM: 2.5 }],
      iteration: it,
      totalIterations: o.iterations,
      rng: o.rng,
    });
    adamStep(image, result.dImages, m, v, o.lr, it + 1, adam);
    for (let k = 0; k < image.length; k++) image[k] = Math.min(1, Math.max(0, image[k]!));
  }
  return image;
}
