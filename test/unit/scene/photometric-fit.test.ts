import { describe, expect, it } from 'vitest';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { renderObject, SHADING } from '../../../src/core/diffusion/demo/raycast';
import { Rng } from '../../../src/core/random/rng';
import { GaussianRasterizer } from '../../../src/core/render/gaussian-rasterizer';
import { toKernelCamera, type Camera } from '../../../src/core/scene/cameras/camera';
import { evaluationOrbit, OrbitSamplerSettings, sampleOrbitView } from '../../../src/core/scene/cameras/orbit-sampler';
import { GaussianModel } from '../../../src/core/scene/gaussians/gaussian-model';
import { initialiseBall } from '../../../src/core/scene/gaussians/initialise';
import { fitToImages, psnr } from '../../../src/core/scene/gaussians/photometric-fit';
import { GaussianTrainingSettings } from '../../../src/core/scene/gaussians/training-settings';

const SIZE = 64;
const target = (camera: Camera, objectId: string) => ({
  camera: toKernelCamera(camera),
  image: renderObject(demoObject(objectId), { ...camera }, 2),
});

describe('photometric 3DGS fit to a demo-prior object', () => {
  it('reaches ≥ 30 dB PSNR on held-out views from 48 training views at 64²', () => {
    const objectId = process.env.KILN_FIT_OBJECT ?? 'snowman';
    const rng = new Rng(1);
    const sampler = OrbitSamplerSettings.parse({ radiusM: [2.6, 2.6], fovYDeg: [40, 40], elevationDeg: [-15, 50], width: SIZE, height: SIZE });
    const train = Array.from({ length: 48 }, () => target(sampleOrbitView(sampler, rng).camera, objectId));
    const heldOut = evaluationOrbit(8, { elevationDeg: 22, radiusM: 2.6, fovYDeg: 40, width: SIZE, height: SIZE, azimuthOffsetDeg: 17 }).map(
      (c) => target(c, objectId),
    );
    const iterations = Number(process.env.KILN_FIT_ITERS ?? 1200);
    const settings = GaussianTrainingSettings.parse({
      densifyFrom: 100,
      densifyUntil: Math.floor(iterations * 0.6),
      opacityResetInterval: 100000,
      shDegreeInterval: 500,
      positionLrInit: 1.6e-3,
      positionLrFinal: 1.6e-5,
    });
    const init = initialiseBall({ count: 2000, shDegreeMax: 1, radiusM: 0.9, opacity: 0.1, colourNoise: 0.05 }, rng.fork());
    const model = new GaussianModel(init, settings, 1, rng.fork());
    const raster = new GaussianRasterizer(2);
    const background = [...SHADING.background] as [number, number, number];
    const t0 = performance.now();
    fitToImages(model, raster, train, { iterations, batchSize: 2, background }, rng.fork());
    const seconds = (performance.now() - t0) / 1000;
    const scores = heldOut.map((h) => psnr(raster.forward(model.params, [h.camera], { shDegree: model.shDegree, background }).rgb, h.image));
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    console.log(`fit ${objectId}: ${iterations} iterations in ${seconds.toFixed(1)} s, ${model.count} Gaussians, held-out PSNR ${mean.toFixed(2)} dB (min ${Math.min(...scores).toFixed(2)})`);
    expect(mean).toBeGreaterThanOrEqual(30);
  }, 300_000);
});
