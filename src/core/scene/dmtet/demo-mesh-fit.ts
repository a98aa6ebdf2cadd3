import { z } from 'zod';
import { analyticSurfacePoints, boundsDiagonal, chamferDistance } from '../../diffusion/demo/object-surface';
import { demoObject } from '../../diffusion/demo/objects';
import { renderObject, SHADING } from '../../diffusion/demo/raycast';
import { Rng } from '../../random/rng';
import { toKernelCamera, type Camera } from '../cameras/camera';
import { evaluationOrbit, OrbitSamplerSettings, sampleOrbitView } from '../cameras/orbit-sampler';
import { sampleMeshSurface } from '../gaussians/initialise';
import { psnr } from '../gaussians/photometric-fit';
import { DmtetModel } from './dmtet-model';
import { DmtetModelSettings } from './dmtet-model-settings';
import { fitDmtetToImages, type MeshFitTarget } from './fit-to-images';
import { visualHullSdf } from './visual-hull-sdf';

/**
 * The DMTet stage alone fitted to a demo object's exact renders (the mesh-fit benchmark, docs/bench/mesh-fit.md):
 * random orbit training views, a sphere to start from, MSE on RGB + alpha; scored by Chamfer distance against the
 * object's exact surface and PSNR on held-out views.
 */
export const DemoMeshFitSettings = z
  .object({
    object: z.string(),
    iterations: z.number().int().positive().default(400),
    views: z.number().int().positive().default(48),
    size: z.number().int().min(16).default(64),
    batchSize: z.number().int().positive().default(4),
    /** Alpha MSE weight beside the RGB MSE: the silhouette is what moves the surface fastest. */
    alphaWeight: z.number().min(0).default(5),
    heldOutViews: z.number().int().positive().default(8),
    /**
     * The start: a grey sphere (the hard case: holes must open by topology change), or the visual hull of the training
     * silhouettes (visual-hull-sdf.ts), grey too.
     */
    init: z.enum(['sphere', 'visual-hull']).default('sphere'),
    /** Radius of the initial sphere (metres): every demo object fits in the unit ball. */
    initialRadiusM: z.number().positive().max(0.95).default(0.75),
    surfaceSamples: z.number().int().positive().default(20_000),
    seed: z.number().int().default(0),
    /** DmtetModelSettings overrides; the bench raises the grid 32 → 64 unless this says otherwise. */
    model: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type DemoMeshFitSettings = z.infer<typeof DemoMeshFitSettings>;

export interface DemoMeshFitResult {
  object: string;
  iterations: number;
  gridResolution: number;
  triangles: number;
  finalLoss: number;
  /** Bounding-box diagonal of the exact surface (metres). */
  sizeM: number;
  chamferM: number;
  chamferPercent: number;
  heldOutPsnr: number;
  seconds: number;
}

const DEFAULT_PROGRESSION = [{ from: 0, resolution: 32 }, { from: 0.5, resolution: 64 }];

/** The training sampler: the ring the Gaussian mesh-fidelity fit uses (fitted-demo-gaussians). */
const SAMPLER = { radiusM: [2.6, 2.6], fovYDeg: [40, 40], elevationDeg: [-40, 70] } as const;

function target(objectId: string, camera: Camera): MeshFitTarget {
  const alpha = new Float32Array(camera.width * camera.height);
  const image = renderObject(demoObject(objectId), camera, 2, alpha);
  return { camera: toKernelCamera(camera), image, alpha };
}

type FitProgress = (p: { iteration: number; loss: number; triangles: number; resolution: number }) => void;

export function fitDemoMesh(raw: z.input<typeof DemoMeshFitSettings>, onProgress?: FitProgress): DemoMeshFitResult {
  return fitDemoMeshModel(raw, onProgress).result;
}

/** fitDemoMesh with the fitted model (what the bench exports through a run's GLB path). */
export function fitDemoMeshModel(raw: z.input<typeof DemoMeshFitSettings>, onProgress?: FitProgress): { result: DemoMeshFitResult; model: DmtetModel } {
  const o = DemoMeshFitSettings.parse(raw);
  const object = demoObject(o.object);
  const start = performance.now();
  const rng = new Rng(o.seed);
  const sampler = OrbitSamplerSettings.parse({ ...SAMPLER, width: o.size, height: o.size });
  const targets = Array.from({ length: o.views }, () => target(o.object, sampleOrbitView(sampler, rng).camera));
  const background = SHADING.background;
  const settings = DmtetModelSettings.parse({ gridProgression: DEFAULT_PROGRESSION, ...o.model });
  const model = DmtetModel.sphere(settings, o.initialRadiusM, { iterations: o.iterations, seed: o.seed });
  if (o.init === 'visual-hull') model.field.sdf.set(visualHullSdf(model.grid, targets));
  const { finalLoss } = fitDmtetToImages(model, targets, { iterations: o.iterations, batchSize: o.batchSize, background, alphaWeight: o.alphaWeight, onProgress }, rng.fork());
  const heldOut = evaluationOrbit(o.heldOutViews, { elevationDeg: 20, radiusM: 2.6, fovYDeg: 40, width: o.size, height: o.size, azimuthOffsetDeg: 17 });
  let psnrSum = 0;
  for (const camera of heldOut) {
    const truth = target(o.object, camera);
    psnrSum += psnr(model.render([truth.camera], { background }).rgb, truth.image);
  }
  const mesh = model.extract();
  const truthPoints = analyticSurfacePoints(object, o.surfaceSamples, rng.fork());
  const { points } = sampleMeshSurface(mesh.positions, mesh.indices, o.surfaceSamples, rng.fork());
  const sizeM = boundsDiagonal(truthPoints);
  const chamferM = chamferDistance(points, truthPoints);
  const result = {
    object: o.object,
    iterations: o.iterations,
    gridResolution: model.grid.resolution,
    triangles: mesh.indices.length / 3,
    finalLoss,
    sizeM,
    chamferM,
    chamferPercent: (100 * chamferM) / sizeM,
    heldOutPsnr: psnrSum / heldOut.length,
    seconds: (performance.now() - start) / 1000,
  };
  return { result, model };
}
