import { KilnError } from '../../../shared/errors';
import { decodeCompactGaussians } from '../../../shared/gaussians/compact-gaussians';
import { decodeMeshSnapshot } from '../../../shared/mesh/mesh-snapshot-payload';
import { MeshRasterizer } from '../../render/mesh-rasterizer';
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
import { DmtetModel, type DmtetModelOptions } from './dmtet-model';
import { gridResolutionAt } from './dmtet-model-settings';
import { DmtetStageSettings, resolveDmtetStageSettings } from './dmtet-stage-settings';
import { decodeDmtetState, encodeDmtetState, type DmtetStateHeader } from './dmtet-state-codec';
import { surfaceVanishedError } from './marching-tets';
import type { ShadingModel } from './surface-shading';

/**
 * A DMTet surface behind the Representation contract (DTC123's second stage): the tet grid's SDF and deformations
 * and the albedo colour field, rendered by the native mesh rasterizer. The grid rises inside step(); refine() only
 * checks that a surface is left.
 */
export class DmtetRepresentation implements Representation {
  readonly name = 'dmtet';
  readonly payloadKind = 'mesh';
  /** Renders made by this representation: backward() accepts only the latest of these. */
  private readonly renders = new WeakSet<Rendering>();

  constructor(readonly model: DmtetModel) {}

  /** Faces of the current surface. */
  get size(): number {
    return this.model.extract().indices.length / 3;
  }

  beginIteration(): void {}

  render(cameras: readonly Camera[], background: readonly [number, number, number]): Rendering {
    return this.renderWith(cameras, background);
  }

  /** Under the demo prior's fixed world light: no random light is drawn, so a thumbnail never shifts the run. */
  renderPreview(cameras: readonly Camera[], background: readonly [number, number, number]): Rendering {
    return this.renderWith(cameras, background, 'demo-lambert');
  }

  private renderWith(cameras: readonly Camera[], background: readonly [number, number, number], shading?: ShadingModel): Rendering {
    const images = this.model.render(cameras.map(toKernelCamera), { background, ...(shading ? { shading } : {}) });
    const { width, height } = cameras[0]!;
    const out: Rendering = { cameraCount: cameras.length, width, height, ...images };
    this.renders.add(out);
    return out;
  }

  backward(rendering: Rendering, gradients: ImageGradients): void {
    if (!this.renders.has(rendering)) throw new Error('backward() needs a rendering of this representation');
    this.model.backward({ dRgb: gradients.dRgb, ...(gradients.dAlpha ? { dAlpha: gradients.dAlpha } : {}), ...(gradients.dDepth ? { dDepth: gradients.dDepth } : {}) });
  }

  step(): void {
    this.model.step();
  }

  /** A surface that vanished (every SDF value one sign) is the `optimisation` error; the snapshots before it stay. */
  refine(iteration: number): RefineReport | undefined {
    const surface = this.model.extract();
    if (surface.vanished) throw surfaceVanishedError(surface.vanished, iteration + 1);
    return undefined;
  }

  saveState(): RepresentationState {
    const { header, arrays } = decodeDmtetState(this.model.exportState());
    return { meta: { ...header }, arrays: { ...arrays } };
  }

  payload(): SnapshotPayload {
    return { kind: 'mesh', bytes: this.model.snapshotPayload() };
  }
}

function noStartingSurface(s: DmtetStageSettings): KilnError {
  const what =
    s.initSurface === 'visual-hull'
      ? `show no silhouette at alpha ${s.hullAlphaThreshold} (hullAlphaThreshold)`
      : `have no surface at density ${s.initThreshold} (initThreshold)`;
  const lower = s.initSurface === 'visual-hull' ? 'a lower hullAlphaThreshold' : 'a lower initThreshold (or "auto")';
  return new KilnError(
    'optimisation',
    `the Gaussians the mesh stage starts from ${what}: the splats are too few or too faint. ` +
      `The Gaussian stage's snapshots are kept: run that stage longer, or give the DMTet stage ${lower}`,
  );
}

function noSurfaceInMesh(s: DmtetStageSettings): KilnError {
  return new KilnError(
    'optimisation',
    `the mesh this stage starts from encloses nothing on its first grid (${gridResolutionAt(modelSettings(s), 0)}³: the mesh is thinner than a cell): ` +
      'branch from another snapshot, or start the DMTet stage on a finer grid (gridResolution, gridProgression)',
  );
}

function modelOptions(ctx: RepresentationContext<DmtetStageSettings>, seed: number): DmtetModelOptions {
  return { iterations: ctx.settings.stageIterations, seed, rasterizer: new MeshRasterizer(ctx.threads) };
}

/** The model's settings without the stage's length. */
function modelSettings({ stageIterations: _, ...settings }: DmtetStageSettings) {
  return settings;
}

export const dmtetRepresentation: RepresentationDefinition<typeof DmtetStageSettings> = {
  name: 'dmtet',
  title: 'DMTet mesh',
  payloadKind: 'mesh',
  startsFromScratch: false,
  startsFrom: ['splats', 'mesh'],
  exports: ['glb'],
  settings: DmtetStageSettings,
  resolveSettings: resolveDmtetStageSettings,
  create(ctx: RepresentationContext<DmtetStageSettings>, from?: SnapshotPayload) {
    if (!from) throw new Error('a DMTet stage starts from Gaussians or a mesh, not nothing');
    const seed = ctx.initRng.nextUint32();
    if (from.kind === 'mesh') {
      // A branch from the mesh stage: the surface and albedo it stored, on this stage's first grid.
      const model = DmtetModel.fromMesh(decodeMeshSnapshot(from.bytes), modelSettings(ctx.settings), modelOptions(ctx, seed));
      if (model.extract().vanished) throw noSurfaceInMesh(ctx.settings);
      return new DmtetRepresentation(model);
    }
    // SDF from the Gaussians' density, albedo from their colour at that surface (initialise-from-density.ts).
    const model = DmtetModel.fromGaussians(decodeCompactGaussians(from.bytes), modelSettings(ctx.settings), modelOptions(ctx, seed));
    if (model.extract().vanished) throw noStartingSurface(ctx.settings);
    return new DmtetRepresentation(model);
  },
  restore(ctx: RepresentationContext<DmtetStageSettings>, state: RepresentationState) {
    const bytes = encodeDmtetState(state.meta as unknown as DmtetStateHeader, state.arrays as Parameters<typeof encodeDmtetState>[1]);
    // The RNG's state comes from the checkpoint: the seed is not used.
    return new DmtetRepresentation(DmtetModel.importState(bytes, modelSettings(ctx.settings), modelOptions(ctx, 0)));
  },
};
