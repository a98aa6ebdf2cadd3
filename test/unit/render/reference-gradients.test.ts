import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { referenceBackward, referenceForward } from '../../../src/core/render/reference/reference-rasterizer';
import { toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import { gradCheck } from '../../../src/core/render/gradient-check';
import { randomGaussians, toFloat64 } from '../../helpers/random-gaussians';

const W = 24;
const H = 20;

function lossWeights(seed: number) {
  const rng = new Rng(seed);
  return {
    rgb: rng.fillNormal(new Float64Array(3 * W * H)),
    alpha: rng.fillNormal(new Float64Array(W * H)),
    depth: rng.fillNormal(new Float64Array(W * H), 0.3),
  };
}

describe('reference rasterizer backward (float64) against central finite differences', () => {
  const cases = [
    { shDegree: 0, radiusM: 2.2, inside: false },
    { shDegree: 1, radiusM: 2.2, inside: false },
    { shDegree: 2, radiusM: 2.2, inside: false },
    { shDegree: 3, radiusM: 2.2, inside: false },
    // A camera inside the cloud: some Gaussians behind it, some beyond the frustum clamp at the image edges.
    { shDegree: 3, radiusM: 0.45, inside: true },
  ];
  for (const { shDegree, radiusM, inside } of cases) {
    it(`matches every parameter's gradient at SH degree ${shDegree}${inside ? ', camera inside the cloud' : ''}`, () => {
      const scene = toFloat64(randomGaussians({ count: inside ? 24 : 10, shDegreeMax: 3, seed: 11 + shDegree, extent: inside ? 1 : 0.6 }));
      const cam = toKernelCamera(
        orbitCamera({ radiusM, elevationDeg: 20, azimuthDeg: 35 + 40 * shDegree }, { fovYDeg: 45, width: W, height: H }),
      );
      if (inside) {
        const behind = referenceForward(scene, cam, { shDegree, background: [0, 0, 0] }).projected.filter((p) => p.pView[2] <= cam.near);
        expect(behind.length).toBeGreaterThan(0);
      }
      const opts = { shDegree, background: [0.2, 0.3, 0.4] as [number, number, number] };
      const w = lossWeights(5);
      const loss = () => {
        const r = referenceForward(scene, cam, opts);
        let sum = 0;
        for (let k = 0; k < r.rgb.length; k++) sum += r.rgb[k]! * w.rgb[k]!;
        for (let k = 0; k < r.alpha.length; k++) sum += r.alpha[k]! * w.alpha[k]! + r.depth[k]! * w.depth[k]!;
        return sum;
      };
      const fwd = referenceForward(scene, cam, opts);
      expect(fwd.radii.filter((r) => r > 0).length).toBeGreaterThan(5);
      const grads = referenceBackward(scene, cam, opts, fwd, w.rgb, w.alpha, w.depth);
      const result = gradCheck(scene, grads.params, loss, 1e-6, 1e-3, inside);
      expect(result.discontinuous).toBeLessThanOrEqual(0.02 * (result.checked + result.discontinuous));
      expect(result.maxRelError, JSON.stringify(result)).toBeLessThan(1e-3);
    });
  }
});
