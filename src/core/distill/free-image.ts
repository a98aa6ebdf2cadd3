import { adamStep, AdamSettings } from '../optim/adam';
import type { Rng } from '../random/rng';
import type { GuidanceInput, GuidanceMethod, ViewInfo } from './guidance';

/** The nominal view of a free image: the front, at the demo prior's middle elevation and radius. */
export const FREE_IMAGE_VIEW: ViewInfo = { elevationDeg: 15, azimuthDeg: 0, radiusM: 2.5 };

/**
 * A guidance input for bare images (no 3D): fully opaque, zero depth, every image seen from one nominal view (the
 * front unless given). `images` holds n stacked 3×S×S images.
 */
export function imageOnlyInput(
  images: Float32Array,
  S: number,
  iteration: number,
  totalIterations: number,
  rng: Rng,
  view: ViewInfo = FREE_IMAGE_VIEW,
): GuidanceInput {
  const n = images.length / (3 * S * S);
  return {
    images,
    alpha: new Float32Array(n * S * S).fill(1),
    depth: new Float32Array(n * S * S),
    views: Array.from({ length: n }, () => view),
    iteration,
    totalIterations,
    rng,
  };
}

/**
 * Distils a method into a single free image (no 3D): the 2D sanity check of a method. The image lives in [0, 1]
 * and is updated by Adam on the method's image gradient.
 */
export async function optimiseFreeImage(
  method: GuidanceMethod,
  o: { size: number; iterations: number; lr: number; init?: Float32Array; rng: Rng; view?: ViewInfo },
): Promise<Float32Array> {
  const S = o.size;
  const image = o.init ? Float32Array.from(o.init) : new Float32Array(3 * S * S).fill(0.5);
  const m = new Float32Array(image.length);
  const v = new Float32Array(image.length);
  const adam = AdamSettings.parse({ eps: 1e-8 });
  for (let it = 0; it < o.iterations; it++) {
    const result = await method.step(imageOnlyInput(image, S, it, o.iterations, o.rng, o.view));
    adamStep(image, result.dImages, m, v, o.lr, it + 1, adam);
    for (let k = 0; k < image.length; k++) image[k] = Math.min(1, Math.max(0, image[k]!));
  }
  return image;
}
