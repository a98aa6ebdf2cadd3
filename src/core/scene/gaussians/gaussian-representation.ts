import { KilnError } from '../../../shared/errors';
import { decodeCompactGaussians, encodeCompactGaussians } from '../../../shared/gaussians/compact-gaussians';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { GaussianRasterizer, type RenderBatch } from '../../render/gaussian-rasterizer';
import { toKernelCamera, type Camera } from '../cameras/camera';
import type {
  ImageGradients,
  RefineReport,
  Rendering,
  Representation,
  RepresentationContext,
  RepresentationDefinition,
  RepresentationState,
  SnapshotPayload,
} from '../representation';
import { GaussianModel, SCENE_EXTENT_M } from './gaussian-model';
import { GaussianStageSettings, resolveGaussianStageSettings } from './gaussian-stage-settings';
import { gaussianStateFromRecord, gaussianStateToRecord } from './gaussian-state';
import { initialiseRunBall } from './initialise';

function collapsed(iteration: number, model: GaussianModel): KilnError {
  const s = model.settings;
  return new KilnError(
    'optimisation',
    `every Gaussian was pruned at iteration ${iteration} (opacity below pruneMinOpacity ${s.pruneMinOpacity}, or larger than ` +
      `pruneMaxWorldFraction ${s.pruneMaxWorldFraction} of the scene); nothing is left to optimise. Branch from an earlier ` +
      'snapshot, or start with more initial Gaussians or gentler pruning.',
  );
}

/** 3D Gaussian splats behind the Representation contract: the native rasterizer, Adam, densify and prune. */
export class GaussianRepresentation implements Representation {
  readonly name = 'gaussians';
  readonly payloadKind = 'splats';
  private readonly raster: GaussianRasterizer;
  /** Renders made by this representation: backward() accepts only these. */
  private readonly renders = new WeakSet<Rendering>();

  constructor(
    readonly model: GaussianModel,
    threads: number,
  ) {
    this.raster = new GaussianRasterizer(threads);
  }

  get size(): number {
    return this.model.count;
  }

  get params(): GaussianArrays {
    return this.model.params;
  }

  beginIteration(iteration: number): void {
    this.model.updateShDegree(iteration);
  }

  render(cameras: readonly Camera[], background: readonly [number, number, number]): RenderBatch {
    const out = this.raster.forward(this.model.params, cameras.map(toKernelCamera), { shDegree: this.model.shDegree, background: [...background] });
    this.renders.add(out);
    return out;
  }

  backward(rendering: Rendering, gradients: ImageGradients): void {
    if (!this.renders.has(rendering)) throw new Error('backward() needs a rendering of this representation');
    const batch = rendering as RenderBatch;
    const { meanGrad2D } = this.raster.backward(batch, this.model.params, gradients, this.model.grads);
    this.model.recordViewStats(meanGrad2D, batch.radii, batch.cameraCount);
  }

  step(iteration: number, totalIterations: number): void {
    this.model.step(iteration, totalIterations);
  }

  refine(iteration: number): RefineReport | undefined {
    const report = this.model.refine(iteration);
    if (this.model.count === 0) throw collapsed(iteration + 1, this.model);
    return report as RefineReport | undefined;
  }

  saveState(): RepresentationState {
    return gaussianStateToRecord(this.model.exportState());
  }

  payload(): SnapshotPayload {
    return { kind: 'splats', bytes: encodeCompactGaussians(this.model.params) };
  }
}

export const gaussiansRepresentation: RepresentationDefinition<typeof GaussianStageSettings> = {
  name: 'gaussians',
  title: '3D Gaussians',
  payloadKind: 'splats',
  startsFromScratch: true,
  startsFrom: ['splats'],
  exports: ['ply', 'spz', 'sog', 'glb'],
  settings: GaussianStageSettings,
  resolveSettings: resolveGaussianStageSettings,
  create(ctx: RepresentationContext<GaussianStageSettings>, from?: SnapshotPayload) {
    const { settings: s } = ctx;
    if (from && from.kind !== 'splats') throw new Error(`Gaussians cannot start from a ${from.kind} payload`);
    // A branch or a later stage starts from the payload exactly as stored; a new run from a fuzzy ball.
    const params = from ? decodeCompactGaussians(from.bytes) : initialiseRunBall(s.initialGaussians, s.shDegreeMax, s.training, SCENE_EXTENT_M, ctx.initRng);
    return new GaussianRepresentation(new GaussianModel(params, s.training, SCENE_EXTENT_M, ctx.rng), ctx.threads);
  },
  restore(ctx: RepresentationContext<GaussianStageSettings>, state: RepresentationState) {
    const saved = gaussianStateFromRecord(state);
    const model = new GaussianModel(saved.params, ctx.settings.training, SCENE_EXTENT_M, ctx.rng);
    model.importState(saved);
    return new GaussianRepresentation(model, ctx.threads);
  },
};
