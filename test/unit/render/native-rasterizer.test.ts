import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { GaussianRasterizer } from '../../../src/core/render/gaussian-rasterizer';
import { loadNativeAddon } from '../../../src/core/render/native-addon';
import { RASTER } from '../../../src/core/render/raster-constants';
import { referenceBackward, referenceForward } from '../../../src/core/render/reference/reference-rasterizer';
import { toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import { allocateGaussians, PARAM_GROUPS } from '../../../src/shared/gaussians/gaussian-layout';
import { randomGaussians, toFloat64 } from '../../helpers/random-gaussians';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

const cameras = (w: number, h: number, radiusM = 2.2) =>
  [0, 1, 2].map((k) =>
    toKernelCamera(orbitCamera({ radiusM, elevationDeg: -15 + 25 * k, azimuthDeg: 20 + 110 * k }, { fovYDeg: 50, width: w, height: h })),
  );

describe('native 3DGS rasterizer', () => {
  it('states the same constants as the TypeScript side', () => {
    const c = loadNativeAddon().rasterConstants();
    for (const [key, value] of Object.entries(RASTER)) expect(c[key], key).toBeCloseTo(value, 7);
  });

  for (const shDegree of [0, 1, 2, 3]) {
    it(`forward equals the float64 reference (SH degree ${shDegree}, 3 cameras, partial tiles)`, () => {
      const g = randomGaussians({ count: 60, shDegreeMax: 3, seed: 100 + shDegree, extent: 0.9 });
      const cams = cameras(37, 29);
      const raster = new GaussianRasterizer(2);
      const opts = { shDegree, background: [0.1, 0.5, 0.9] as [number, number, number] };
      const out = raster.forward(g, cams, opts);
      const plane = 37 * 29;
      cams.forEach((cam, b) => {
        const ref = referenceForward(toFloat64(g), cam, opts);
        expect(maxAbsDiff(out.rgb.subarray(3 * plane * b, 3 * plane * (b + 1)), ref.rgb)).toBeLessThan(1e-5);
        expect(maxAbsDiff(out.alpha.subarray(plane * b, plane * (b + 1)), ref.alpha)).toBeLessThan(1e-5);
        expect(maxAbsDiff(out.depth.subarray(plane * b, plane * (b + 1)), ref.depth)).toBeLessThan(1e-4);
        expect(Array.from(out.radii.subarray(g.count * b, g.count * (b + 1)))).toEqual(Array.from(ref.radii));
      });
    });
  }

  it('skips Gaussians behind the camera and off-screen ones, like the reference', () => {
    const g = randomGaussians({ count: 80, shDegreeMax: 1, seed: 9, extent: 1.5 });
    const cam = toKernelCamera(orbitCamera({ radiusM: 0.5, elevationDeg: 10, azimuthDeg: 70 }, { fovYDeg: 60, width: 40, height: 32 }));
    const ref = referenceForward(toFloat64(g), cam, { shDegree: 1, background: [0, 0, 0] });
    const behind = ref.projected.filter((p) => p.pView[2] <= cam.near).length;
    expect(behind).toBeGreaterThan(5);
    const out = new GaussianRasterizer(1).forward(g, [cam], { shDegree: 1, background: [0, 0, 0] });
    expect(maxAbsDiff(out.rgb, ref.rgb)).toBeLessThan(1e-5);
    expect(Array.from(out.radii)).toEqual(Array.from(ref.radii));
  });

  it('backward equals the float64 reference backward for every parameter', () => {
    const g = randomGaussians({ count: 40, shDegreeMax: 3, seed: 77, extent: 0.8 });
    const cams = cameras(33, 27);
    const rng = new Rng(3);
    const plane = 33 * 27;
    const dRgb = rng.fillNormal(new Float32Array(3 * plane * cams.length));
    const dAlpha = rng.fillNormal(new Float32Array(plane * cams.length));
    const dDepth = rng.fillNormal(new Float32Array(plane * cams.length), 0.3);
    const opts = { shDegree: 3, background: [0.3, 0.2, 0.1] as [number, number, number] };
    const raster = new GaussianRasterizer(2);
    const render = raster.forward(g, cams, opts);
    const grads = allocateGaussians(g.count, 3);
    const { meanGrad2D } = raster.backward(render, g, { dRgb, dAlpha, dDepth }, grads);

    const g64 = toFloat64(g);
    const sum = Object.fromEntries(PARAM_GROUPS.map((k) => [k, new Float64Array(g[k].length)]));
    cams.forEach((cam, b) => {
      const fwd = referenceForward(g64, cam, opts);
      const r = referenceBackward(
        g64, cam, opts, fwd,
        dRgb.subarray(3 * plane * b, 3 * plane * (b + 1)),
        dAlpha.subarray(plane * b, plane * (b + 1)),
        dDepth.subarray(plane * b, plane * (b + 1)),
      );
      for (const k of PARAM_GROUPS) for (let i = 0; i < sum[k]!.length; i++) sum[k]![i]! += r.params[k][i]!;
      expect(maxAbsDiff(meanGrad2D.subarray(2 * g.count * b, 2 * g.count * (b + 1)), r.meanGrad2D)).toBeLessThan(
        1e-3 * Math.max(1, ...Array.from(r.meanGrad2D, Math.abs)),
      );
    });
    for (const k of PARAM_GROUPS) {
      const ref = sum[k]!;
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (let i = 0; i < ref.length; i++) {
        const rel = Math.abs(grads[k][i]! - ref[i]!) / Math.max(Math.abs(ref[i]!), 1e-3 * scale);
        expect(rel, `${k}[${i}] native ${grads[k][i]} reference ${ref[i]}`).toBeLessThan(1e-2);
      }
    }
  });

  it('gives bit-identical results for 1, 2 and 3 threads', () => {
    const g = randomGaussians({ count: 500, shDegreeMax: 2, seed: 5, extent: 0.9 });
    const cams = cameras(64, 48);
    const dRgb = new Rng(1).fillNormal(new Float32Array(3 * 64 * 48 * cams.length));
    const runs = [1, 2, 3].map((threads) => {
      const raster = new GaussianRasterizer(threads);
      const out = raster.forward(g, cams, { shDegree: 2, background: [0, 0, 0] });
      const grads = allocateGaussians(g.count, 2);
      raster.backward(out, g, { dRgb }, grads);
      return { rgb: out.rgb, grads };
    });
    for (const run of runs.slice(1)) {
      expect(Buffer.from(run.rgb.buffer).equals(Buffer.from(runs[0]!.rgb.buffer))).toBe(true);
      for (const k of PARAM_GROUPS) expect(Buffer.from(run.grads[k].buffer).equals(Buffer.from(runs[0]!.grads[k].buffer)), k).toBe(true);
    }
  });

  it('rejects malformed arguments with messages naming them', () => {
    const raster = new (loadNativeAddon().GaussianRasterizer)(1);
    const g = randomGaussians({ count: 4, shDegreeMax: 1, seed: 1 });
    const view = { cameras: new Float32Array(18), cameraCount: 1, width: 8, height: 8, shDegree: 1, background: new Float32Array(3) };
    const outs = { rgb: new Float32Array(192), alpha: new Float32Array(64), depth: new Float32Array(64), radii: new Float32Array(4) };
    expect(() => raster.forward({ ...g, means: new Float32Array(5) }, view, outs)).toThrow(/means has 5 floats, expected 12/);
    expect(() => raster.forward({ ...g, quats: new Float64Array(16) as unknown as Float32Array }, view, outs)).toThrow(/quats must be a Float32Array/);
    expect(() => raster.forward(g, { ...view, shDegree: 2 }, outs)).toThrow(/shDegree must be an integer in \[0, 1\]/);
    expect(() => raster.forward(g, view, { ...outs, rgb: new Float32Array(10) })).toThrow(/rgb has 10 floats/);
    const grads = allocateGaussians(4, 1);
    const dRgb = new Float32Array(192);
    const backward = raster.backward.bind(raster) as (...args: unknown[]) => unknown;
    expect(() => backward({}, g, { dRgb }, grads, new Float32Array(8))).toThrow(/the context a forward\(\) returned/);
    const { context } = raster.forward(g, view, outs);
    const fewer = randomGaussians({ count: 3, shDegreeMax: 1, seed: 1 });
    expect(() => raster.backward(context, fewer, { dRgb }, allocateGaussians(3, 1), new Float32Array(6))).toThrow(/the count differs/);
    expect(() => raster.backward(context, g, { dRgb }, grads, new Float32Array(7))).toThrow(/meanGrad2D has 7 floats, expected 8/);
    expect(() => backward(context, g, { dRgb }, grads, new Float64Array(8))).toThrow(/meanGrad2D must be a Float32Array/);
  });

  it('keeps no state between calls: a backward uses its own forward, whatever was rendered since', () => {
    const raster = new GaussianRasterizer(2);
    const a = randomGaussians({ count: 50, shDegreeMax: 1, seed: 21, extent: 0.8 });
    const b = randomGaussians({ count: 70, shDegreeMax: 1, seed: 22, extent: 0.8 });
    const opts = { shDegree: 1, background: [0.1, 0.2, 0.3] as [number, number, number] };
    const camsA = cameras(32, 24);
    const dRgb = new Rng(4).fillNormal(new Float32Array(3 * 32 * 24 * camsA.length));
    const gradsOf = (render: ReturnType<GaussianRasterizer['forward']>) => {
      const grads = allocateGaussians(a.count, 1);
      const { meanGrad2D } = raster.backward(render, a, { dRgb }, grads);
      return { grads, meanGrad2D };
    };
    const alone = gradsOf(raster.forward(a, camsA, opts));
    const first = raster.forward(a, camsA, opts);
    const rgbBefore = first.rgb.slice();
    const other = raster.forward(b, cameras(16, 16).slice(0, 1), { shDegree: 0, background: [1, 1, 1] });
    const interleaved = gradsOf(first);
    expect(Buffer.from(first.rgb.buffer).equals(Buffer.from(rgbBefore.buffer))).toBe(true);
    expect(other.rgb).not.toBe(first.rgb);
    for (const k of PARAM_GROUPS) expect(Buffer.from(interleaved.grads[k].buffer).equals(Buffer.from(alone.grads[k].buffer)), k).toBe(true);
    expect(Buffer.from(interleaved.meanGrad2D.buffer).equals(Buffer.from(alone.meanGrad2D.buffer))).toBe(true);
  });
});
