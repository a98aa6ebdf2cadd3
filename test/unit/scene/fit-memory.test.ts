import { describe, expect, it } from 'vitest';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { renderObject, SHADING } from '../../../src/core/diffusion/demo/raycast';
import { Rng } from '../../../src/core/random/rng';
import { GaussianRasterizer } from '../../../src/core/render/gaussian-rasterizer';
import { toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { OrbitSamplerSettings, sampleOrbitView } from '../../../src/core/scene/cameras/orbit-sampler';
import { groupWidths } from '../../../src/shared/gaussians/gaussian-layout';
import { GaussianModel } from '../../../src/core/scene/gaussians/gaussian-model';
import { initialiseBall } from '../../../src/core/scene/gaussians/initialise';
import { fitToImages } from '../../../src/core/scene/gaussians/photometric-fit';
import { GaussianTrainingSettings } from '../../../src/core/scene/gaussians/training-settings';

describe('a 3000-iteration fit does not grow memory beyond what the Gaussian count explains', () => {
  it('keeps JS array-buffer memory proportional to the Gaussian count', () => {
    expect(typeof globalThis.gc, 'run with --expose-gc (vitest.config.ts execArgv)').toBe('function');
    const rng = new Rng(2);
    const sampler = OrbitSamplerSettings.parse({ width: 32, height: 32, radiusM: [2.6, 2.6], fovYDeg: [40, 40] });
    const targets = Array.from({ length: 16 }, () => {
      const camera = sampleOrbitView(sampler, rng).camera;
      return { camera: toKernelCamera(camera), image: renderObject(demoObject('sphere'), camera, 1) };
    });
    const settings = GaussianTrainingSettings.parse({ densifyUntil: 2000, opacityResetInterval: 1000, positionLrInit: 1.6e-3 });
    const model = new GaussianModel(initialiseBall({ count: 1500, shDegreeMax: 1, radiusM: 0.9 }, rng.fork()), settings, 1, rng.fork());
    const raster = new GaussianRasterizer(2);
    const w = groupWidths(1);
    const floatsPerGaussian = Object.values(w).reduce((a, b) => a + b, 0);
    // params, grads, two Adam moments, three statistics
    const bytesPerGaussian = 4 * (4 * floatsPerGaussian + 3);
    const samples: { iteration: number; excess: number }[] = [];
    fitToImages(model, raster, targets, {
      iterations: 3000,
      batchSize: 1,
      background: [...SHADING.background] as [number, number, number],
      onProgress: ({ iteration, count }) => {
        if (iteration % 250 !== 0) return;
        globalThis.gc!();
        samples.push({ iteration, excess: process.memoryUsage().arrayBuffers - count * bytesPerGaussian });
      },
    }, rng.fork());
    // What the Gaussians do not explain (targets, render buffers) must not trend up. V8 frees array-buffer backing
    // stores concurrently, so single samples can spike just after a densification; a leak raises the floor.
    const floor = (from: number, to: number) =>
      Math.min(...samples.filter((s) => s.iteration >= from && s.iteration <= to).map((s) => s.excess));
    const early = floor(500, 1500);
    const late = floor(2250, 3000);
    console.log(`memory: count ${model.count}, unexplained array-buffer floor ${(early / 1e6).toFixed(2)} → ${(late / 1e6).toFixed(2)} MB`);
    expect(late - early, JSON.stringify(samples)).toBeLessThan(1024 * 1024);
    expect(Math.max(...samples.map((s) => s.excess)), JSON.stringify(samples)).toBeLessThan(32 * 1024 * 1024);
  }, 120_000);
});
