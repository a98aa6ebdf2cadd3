import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/random/rng';
import { toKernelCamera } from '../../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../../src/core/scene/cameras/orbit';
import { boxDownsample, boxDownsampleBackward, supersampledCamera } from '../../../../src/core/scene/dmtet/supersample';
import { weightedSum } from './gradient-check';

describe('supersampling', () => {
  it('box-filters s×s blocks, and its backward pass is the exact adjoint (⟨Dx, y⟩ = ⟨x, Dᵀy⟩)', () => {
    const rng = new Rng(2);
    const [planes, w, h, s] = [3, 5, 4, 2];
    const fine = rng.fillNormal(new Float32Array(planes * s * s * w * h));
    const coarse = boxDownsample(fine, planes, w, h, s);
    // Plane 1, pixel (x 2, y 3) averages fine rows 6–7, columns 4–5.
    const at = (x: number, y: number) => fine[(1 * s * h + y) * s * w + x]!;
    expect(coarse[(1 * h + 3) * w + 2]).toBeCloseTo((at(4, 6) + at(5, 6) + at(4, 7) + at(5, 7)) / 4, 6);
    const y = rng.fillNormal(new Float32Array(coarse.length));
    expect(weightedSum(coarse, y)).toBeCloseTo(weightedSum(fine, boxDownsampleBackward(y, planes, w, h, s)), 4);
  });

  it("puts a supersampled camera's pixel centres on the ray caster's sub-pixel samples", () => {
    const c = toKernelCamera(orbitCamera({ radiusM: 2.6, elevationDeg: 10, azimuthDeg: 20 }, { fovYDeg: 40, width: 8, height: 6 }));
    const f = supersampledCamera(c, 2);
    expect([f.width, f.height]).toEqual([16, 12]);
    // Fine pixel 2i + a has its centre at coarse coordinate i + (a + ½)/2: (x + 0.5 − cx_f)/fx_f = (i + (a + ½)/2 − cx)/fx.
    for (const [i, a] of [[0, 0], [3, 1], [7, 1]] as const) {
      expect((2 * i + a + 0.5 - f.cx) / f.fx).toBeCloseTo((i + (a + 0.5) / 2 - c.cx) / c.fx, 9);
    }
  });
});
