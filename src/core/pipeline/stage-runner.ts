import { sampleOrbitView, type OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { GuidanceResult } from '../distill/guidance';
import type { RefineReport } from '../scene/representation';
import { referenceGradients } from './reference-supervision';
import type { ReferenceView } from './reference-view';
import type { StageSession } from './stage-session';

export interface StageLoopOptions {
  /** Iterations of the stage already done (a resumed stage continues from here; schedules see the true iteration). */
  startIteration?: number;
  sampler: OrbitSamplerSettings;
  background: readonly [number, number, number];
  /**
   * An image-conditioned run's reference photo. When given and the stage's method asks for reference supervision
   * (GuidanceMethod.referenceSupervision, e.g. DTC123), an iteration renders the reference camera instead of teacher
   * views with the method's probability, and fits it with the reconstruction losses (reference-supervision.ts).
   * Without it the loop draws nothing extra from its RNG: runs without a reference are unchanged bit for bit.
   */
  reference?: ReferenceView;
  /** Where the stage lies in its run: iterations of the stages before it and the run's total (GuidanceInput.run). */
  runSpan?: { offset: number; total: number };
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
  const supervision = o.reference && method.referenceSupervision;
  // A reference iteration calls no teacher; it reports the teacher's latest timestep (0 before the first).
  let lastT = 0;
  for (let it = o.startIteration ?? 0; it < total; it++) {
    representation.beginIteration(it, total);
    let result: GuidanceResult;
    if (supervision && rng.uniform() < supervision.probability) {
      const rendering = representation.render([o.reference!.camera], o.background);
      const { gradients, terms } = referenceGradients(rendering, o.reference!, supervision);
      representation.backward(rendering, gradients);
      result = { dImages: gradients.dRgb, t: lastT, terms, unetCalls: 0 };
    } else {
      const views = Array.from({ length: stage.batchSize }, () => sampleOrbitView(o.sampler, rng));
      const rendering = representation.render(views.map((v) => v.camera), o.background);
      result = await method.step({
        images: rendering.rgb,
        alpha: rendering.alpha,
        depth: rendering.depth,
        views,
        iteration: it,
        totalIterations: total,
        run: { iteration: (o.runSpan?.offset ?? 0) + it, totalIterations: o.runSpan?.total ?? total },
        rng,
      });
      lastT = result.t;
      // The method's gradient is of a mean over all pixels.
      const scale = 1 / rendering.rgb.length;
      const scaled = (g: Float32Array | undefined) => g?.map((v) => v * scale);
      representation.backward(rendering, { dRgb: scaled(result.dImages)!, dAlpha: scaled(result.dAlpha), dDepth: scaled(result.dDepth) });
    }
    representation.step(it, total);
    const refine = representation.refine(it, total);
    const done = it + 1;
    if (o.onIteration?.({ iteration: done, result, size: representation.size, refine }) === false) return done;
  }
  return total;
}
