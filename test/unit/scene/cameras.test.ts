import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { kernelCameraPosition } from '../../../src/core/render/kernel-camera';
import { cameraBasis, toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera, orbitPosition } from '../../../src/core/scene/cameras/orbit';
import { evaluationOrbit, OrbitSamplerSettings, sampleOrbitView } from '../../../src/core/scene/cameras/orbit-sampler';

function project(cam: ReturnType<typeof toKernelCamera>, p: [number, number, number]) {
  const R = cam.R;
  const v = [0, 1, 2].map((r) => R[3 * r]! * p[0] + R[3 * r + 1]! * p[1] + R[3 * r + 2]! * p[2] + cam.t[r]!);
  return { u: (cam.fx * v[0]!) / v[2]! + cam.cx, v: (cam.fy * v[1]!) / v[2]! + cam.cy, z: v[2]! };
}

describe('cameras follow docs/conventions.md at the kernel boundary', () => {
  it('orbits: azimuth 0 looks from +Z, azimuth 90 from +X, elevation 90 from +Y', () => {
    const near = (a: number[], b: number[]) => a.forEach((x, k) => expect(x).toBeCloseTo(b[k]!, 9));
    near(orbitPosition({ radiusM: 2, elevationDeg: 0, azimuthDeg: 0 }), [0, 0, 2]);
    near(orbitPosition({ radiusM: 2, elevationDeg: 0, azimuthDeg: 90 }), [2, 0, 0]);
    near(orbitPosition({ radiusM: 2, elevationDeg: 90, azimuthDeg: 0 }), [0, 2, 0]);
  });

  it('world +Y appears up in the image and the camera right appears right; the target is centred', () => {
    const cam = orbitCamera({ radiusM: 3, elevationDeg: 20, azimuthDeg: 40 }, { fovYDeg: 50, width: 80, height: 60 });
    const k = toKernelCamera(cam);
    const centre = project(k, [0, 0, 0]);
    expect(centre.u).toBeCloseTo(40, 6);
    expect(centre.v).toBeCloseTo(30, 6);
    expect(centre.z).toBeCloseTo(3, 6);
    expect(project(k, [0, 0.5, 0]).v).toBeLessThan(30);
    const right = cameraBasis(cam).right;
    expect(project(k, [right[0] * 0.5, right[1] * 0.5, right[2] * 0.5]).u).toBeGreaterThan(40);
    // Top of the image at half the vertical field of view.
    const tan = Math.tan((25 * Math.PI) / 180) * 3;
    const up = cameraBasis(cam).up;
    expect(project(k, [up[0] * tan, up[1] * tan, up[2] * tan]).v).toBeCloseTo(0, 6);
    const pos = kernelCameraPosition(k);
    pos.forEach((x, a) => expect(x).toBeCloseTo(cam.position[a]!, 9));
  });

  it('the orbit sampler is deterministic per seed and stays in its ranges', () => {
    const s = OrbitSamplerSettings.parse({ radiusM: [2, 3], elevationDeg: [-10, 40], azimuthDeg: [-90, 90], lookAtJitterM: 0.05 });
    const a = new Rng(12);
    const b = new Rng(12);
    for (let k = 0; k < 200; k++) {
      const va = sampleOrbitView(s, a);
      expect(sampleOrbitView(s, b)).toEqual(va);
      expect(va.radiusM).toBeGreaterThanOrEqual(2);
      expect(va.radiusM).toBeLessThanOrEqual(3);
      expect(va.elevationDeg).toBeGreaterThanOrEqual(-10 - 1e-9);
      expect(va.elevationDeg).toBeLessThanOrEqual(40 + 1e-9);
      expect(Math.abs(va.azimuthDeg)).toBeLessThanOrEqual(90);
      expect(Math.hypot(...va.camera.target)).toBeLessThan(0.5);
    }
    expect(() => OrbitSamplerSettings.parse({ radiusM: [3, 2] })).toThrow(/range must be/);
  });

  it('a sampler held to a prior\'s poses draws every view from them, each of them, at the drawn radius', () => {
    const views = [
      { elevationDeg: 0, azimuthDeg: 0 },
      { elevationDeg: 15, azimuthDeg: 30 },
      { elevationDeg: 30, azimuthDeg: 330 },
    ];
    const s = OrbitSamplerSettings.parse({ radiusM: [2, 3], views });
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let k = 0; k < 60; k++) {
      const v = sampleOrbitView(s, rng);
      const index = views.findIndex((p) => p.elevationDeg === v.elevationDeg && p.azimuthDeg === v.azimuthDeg);
      expect(index).toBeGreaterThanOrEqual(0);
      seen.add(index);
      expect(v.radiusM).toBeGreaterThanOrEqual(2);
      expect(v.radiusM).toBeLessThanOrEqual(3);
      const [x, y, z] = v.camera.position;
      expect(Math.asin(y / Math.hypot(x, y, z)) * (180 / Math.PI)).toBeCloseTo(v.elevationDeg, 6);
    }
    expect(seen.size).toBe(3);
    expect(() => OrbitSamplerSettings.parse({ views: [] })).toThrow();
  });

  it('evaluation orbits space azimuths evenly', () => {
    const cams = evaluationOrbit(4, { elevationDeg: 0, radiusM: 2, fovYDeg: 45, width: 8, height: 8 });
    expect(cams.map((c) => c.position.map((x) => Math.round(x * 1e6) / 1e6 + 0))).toEqual([
      [0, 0, 2],
      [2, 0, 0],
      [0, 0, -2],
      [-2, 0, 0],
    ]);
  });
});
