import type { DemoObject } from '../../diffusion/demo/objects';
import type { ReferenceSupervision } from '../../distill/shared/reference-losses';
import { sampleOrbitView, type OrbitSamplerSettings } from '../../scene/cameras/orbit-sampler';
import { referenceGradients } from '../reference-supervision';
import type { StageSession } from '../stage-session';
import { groundTruthViews } from './ground-truth';

/**
 * The image bench's ceiling (docs/bench/image.md, `photometric`): the same student and stage as a guided run, but
 * every iteration fits the object's exact render of a random orbit view with the reference-view losses — what the
 * representation reaches at this budget when every view is known, instead of one photo and a teacher.
 */
export function fitExactViews(session: StageSession, o: { object: DemoObject; sampler: OrbitSamplerSettings; background: readonly [number, number, number]; supervision: ReferenceSupervision }): void {
  const { representation, stage, loopRng } = session;
  const total = stage.iterations;
  for (let it = 0; it < total; it++) {
    representation.beginIteration(it, total);
    const { camera } = sampleOrbitView(o.sampler, loopRng);
    const [truth] = groundTruthViews(o.object, [camera]);
    const rendering = representation.render([camera], o.background);
    const { gradients } = referenceGradients(rendering, { camera, rgb: truth!.image, mask: truth!.coverage }, o.supervision);
    representation.backward(rendering, gradients);
    representation.step(it, total);
    representation.refine(it, total);
  }
}
