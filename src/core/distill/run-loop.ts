import { KilnError } from '../../shared/errors';
import type { GaussianRasterizer } from '../render/gaussian-rasterizer';
import type { Rng } from '../random/rng';
import { toKernelCamera } from '../scene/cameras/camera';
import { sampleOrbitView, type OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { DensifyReport, GaussianModel } from '../scene/gaussians/gaussian-model';
import type { GuidanceMethod, GuidanceResult } from './guidance';

export interface DistillOptions {
  iterations: number;
  /** Iterations already done (a resumed run continues from here; schedules see the true iteration). */
  startIteration?: number;
  /** Views rendered and guided per iteration. */
  batchSize: number;
  sampler: OrbitSamplerSettings;
  background: [number, number, number];
  /** Scales the method's image gradient before the renderer's backward (default: a mean over all pixels). */
  gradientScale?: number;
  /** Return false to stop after this iteration (cancel). */
  onIteration?: (info: IterationInfo) => boolean | void;
}

export interface IterationInfo {
  iteration: number;
  result: GuidanceResult;
  count: number;
  densify?: DensifyReport;
  elapsedMs: number;
}

function collapsed(iteration: number, model: GaussianModel): KilnError {
  const s = model.settings;
  return new KilnError(
    'optimisation',
    `every Gaussian was pruned at iteration ${iteration} (opacity below pruneMinOpacity ${s.pruneMinOpacity}, or larger than ` +
      `pruneMaxWorldFraction ${s.pruneMaxWorldFraction} of the scene); nothing is left to optimise. Branch from an earlier ` +
      'snapshot, or start with more initial Gaussians or gentler pruning.',
  );
}

/**
 * The distillation loop: sample cameras → render → guidance → renderer backward → Adam → densify/prune. The same loop
 * serves the method benchmark and the generation pipeline.
 */
export async function runDistillation(
  model: GaussianModel,
  raster: GaussianRasterizer,
  method: GuidanceMethod,
  o: DistillOptions,
  rng: Rng,
): Promise<{ iterations: number }> {
  const start = performance.now();
  for (let it = o.startIteration ?? 0; it < o.iterations; it++) {
    model.updateShDegree(it);
    const views = Array.from({ length: o.batchSize }, () => sampleOrbitView(o.sampler, rng));
    const out = raster.forward(model.params, views.map((v) => toKernelCamera(v.camera)), { shDegree: model.shDegree, background: o.background });
    const result = await method.step({
      images: out.rgb,
      alpha: out.alpha,
      depth: out.depth,
      views,
      iteration: it,
      totalIterations: o.iterations,
      rng,
    });
    const scale = o.gradientScale ?? 1 / out.rgb.length;
    const scaled = (g: Float32Array | undefined) => g?.map((v) => v * scale);
    const radii = out.radii.slice();
    const { meanGrad2D } = raster.backward(
      model.params,
      { dRgb: scaled(result.dImages)!, dAlpha: scaled(result.dAlpha), dDepth: scaled(result.dDepth) },
      model.grads,
    );
    const densify = model.finishIteration(it, o.iterations, meanGrad2D, radii, views.length);
    const done = it + 1;
    if (model.count === 0) throw collapsed(done, model);
    const keepGoing = o.onIteration?.({ iteration: done, result, count: model.count, densify, elapsedMs: performance.now() - start });
    if (keepGoing === false) return { iterations: done };
  }
  return { iterations: o.iterations };
}
