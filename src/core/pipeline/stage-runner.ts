import { sampleOrbitView, type OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { GuidanceResult } from '../distill/guidance';
import type { RefineReport } from '../scene/representation';
import type { ReferenceView } from './reference-view';
import type { StageSession } from './stage-session';

export interface StageLoopOptions {
  /** Iterations of the stage already done (a resumed stage continues from here; schedules see the true iteration). */
  startIteration?: number;
  sampler: OrbitSamplerSettings;
  background: readonly [number, number, number];
  /**
   * Image runs: the reference photo and its camera, for methods that supervise the reference view (DTC123). Built by
   * generation (reference-conditioning.ts) at the render size on `background`; the loop does not use it yet.
   */
  reference?: ReferenceView;
  /** Return false to stop after this iteration (cancel, pause). */
  onIteration?: (info: IterationInfo) => boolean | void;
}

export interface IterationInfo {
  /** Iterations of the stage completed. */
  iteration: number;
  result: GuidanceResult;
  /** The representation's primitives after this iteration. */
  size: number;
  refine?: RefineReport;
}

/**
 * The stage runner's loop (docs/architecture.md, "The data path of one iteration"): sample cameras → render →
 * guidance → backward → optimiser step → refine. The method sees only images; the representation only image
 * gradients. Returns the number of stage iterations completed.
 */
export async function runStage(s: StageSession, o: StageLoopOptions): Promise<number> {
  const { representation, method, stage, loopRng: rng } = s;
  const total = stage.iterations;
  for (let it = o.startIteration ?? 0; it < total; it++) {
    representation.beginIteration(it, total);
    const views = Array.from({ length: stage.batchSize }, () => sampleOrbitView(o.sampler, rng));
    const rendering = representation.render(views.map((v) => v.camera), o.background);
    const result = await method.step({
      images: rendering.rgb,
      alpha: rendering.alpha,
      depth: rendering.depth,
      views,
      iteration: it,
      totalIterations: total,
      rng,
    });
    // The method's gradient is of a mean over all pixels.
    const scale = 1 / rendering.rgb.length;
    const scaled = (g: Float32Array | undefined) => g?.map((v) => v * scale);
    representation.backward(rendering, { dRgb: scaled(result.dImages)!, dAlpha: scaled(result.dAlpha), dDepth: scaled(result.dDepth) });
    representation.step(it, total);
    const refine = representation.refine(it, total);
    const done = it + 1;
    if (o.onIteration?.({ iteration: done, result, size: representation.size, refine }) === false) return done;
  }
  return total;
}
