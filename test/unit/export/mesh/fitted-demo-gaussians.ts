import { demoObject, type DemoObject } from '../../../../src/core/diffusion/demo/objects';
import { renderObject, SHADING } from '../../../../src/core/diffusion/demo/raycast';
import { Rng } from '../../../../src/core/random/rng';
import { GaussianRasterizer } from '../../../../src/core/render/gaussian-rasterizer';
import { toKernelCamera } from '../../../../src/core/scene/cameras/camera';
import { OrbitSamplerSettings, sampleOrbitView } from '../../../../src/core/scene/cameras/orbit-sampler';
import type { GaussianArrays } from '../../../../src/shared/gaussians/gaussian-layout';
import { GaussianModel } from '../../../../src/core/scene/gaussians/gaussian-model';
import { initialiseFromPoints, sampleMeshSurface } from '../../../../src/core/scene/gaussians/initialise';
import { fitToImages } from '../../../../src/core/scene/gaussians/photometric-fit';
import { GaussianTrainingSettings } from '../../../../src/core/scene/gaussians/training-settings';
import { objectAppearanceAt, objectMesh } from '../../../../src/core/diffusion/demo/object-surface';

export interface FitOptions {
  gaussians: number;
  views: number;
  size: number;
  iterations: number;
  seed: number;
  /** Initial isotropic scale (metres) and opacity of the surface samples. */
  initialScaleM?: number;
  initialOpacity?: number;
}

/**
 * Realistic Gaussians for a demo object: surface samples of its exact shape in the colour the renders show, then a short
 * photometric 3DGS fit to ground-truth ray-cast renders (which carry the demo prior's lighting), so scales,
 * rotations, opacities and colours are what an optimiser produces, not what the test put there.
 */
export function fittedDemoGaussians(id: string, o: FitOptions): { object: DemoObject; gaussians: GaussianArrays; finalLoss: number } {
  const object = demoObject(id);
  const rng = new Rng(o.seed);
  const mesh = objectMesh(object, 64);
  const appearance = new Float32Array(mesh.positions.length);
  for (let v = 0; v < mesh.positions.length / 3; v++)
    appearance.set(objectAppearanceAt(object, mesh.positions[3 * v]!, mesh.positions[3 * v + 1]!, mesh.positions[3 * v + 2]!), 3 * v);
  const { points, colours } = sampleMeshSurface(mesh.positions, mesh.indices, o.gaussians, rng.fork(), appearance);
  const init = initialiseFromPoints(points, colours, 1, { opacity: o.initialOpacity ?? 0.5, scaleM: o.initialScaleM ?? 0.02 });
  const sampler = OrbitSamplerSettings.parse({ radiusM: [2.6, 2.6], fovYDeg: [40, 40], elevationDeg: [-40, 70], width: o.size, height: o.size });
  const targets = Array.from({ length: o.views }, () => {
    const camera = sampleOrbitView(sampler, rng).camera;
    return { camera: toKernelCamera(camera), image: renderObject(object, camera, 2) };
  });
  const settings = GaussianTrainingSettings.parse({
    densifyFrom: 100,
    densifyUntil: Math.floor(o.iterations * 0.6),
    opacityResetInterval: 100_000,
    shDegreeInterval: 200,
    positionLrInit: 1.6e-3,
    positionLrFinal: 1.6e-5,
  });
  const model = new GaussianModel(init, settings, 1, rng.fork());
  const raster = new GaussianRasterizer(2);
  const background = [...SHADING.background] as [number, number, number];
  const { finalLoss } = fitToImages(model, raster, targets, { iterations: o.iterations, batchSize: 2, background }, rng.fork());
  return { object, gaussians: model.params, finalLoss };
}
