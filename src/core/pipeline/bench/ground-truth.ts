import { DEMO_OBJECTS, type DemoObject } from '../../diffusion/demo/objects';
import { renderObject, SHADING } from '../../diffusion/demo/raycast';
import type { Camera } from '../../scene/cameras/camera';

export interface GroundTruthView {
  camera: Camera;
  /** 3×S×S in [0, 1]. */
  image: Float32Array;
  /** S×S silhouette coverage in [0, 1]. */
  coverage: Float32Array;
}

export function groundTruthViews(object: DemoObject, cameras: readonly Camera[]): GroundTruthView[] {
  return cameras.map((camera) => {
    const coverage = new Float32Array(camera.width * camera.height);
    const image = renderObject(object, camera, 2, coverage);
    return { camera, image, coverage };
  });
}

/** The demo objects a prompt names (several for an ambiguous prompt such as "a cube"). */
export function objectsForPrompt(prompt: string): DemoObject[] {
  const words = new Set(prompt.toLowerCase().split(/\s+/).filter((w) => !['a', 'an', 'the'].includes(w)));
  return DEMO_OBJECTS.filter((o) => [...words].every((w) => o.prompt.toLowerCase().split(/\s+/).includes(w)));
}

export const DEMO_BACKGROUND = [...SHADING.background] as [number, number, number];

export function psnr(a: Float32Array, b: Float32Array): number {
  return -10 * Math.log10(mse(a, b));
}

export function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return s / a.length;
}

/** Intersection over union of two masks thresholded at ½. */
export function silhouetteIou(alpha: Float32Array, coverage: Float32Array): number {
  let inter = 0;
  let union = 0;
  for (let k = 0; k < alpha.length; k++) {
    const a = alpha[k]! >= 0.5;
    const b = coverage[k]! >= 0.5;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : inter / union;
}
