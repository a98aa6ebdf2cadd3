import { adamStep } from '../../optim/adam';
import { Rng, type RngState } from '../../random/rng';
import type { KernelCamera } from '../../render/kernel-camera';
import { MeshRasterizer } from '../../render/mesh-rasterizer';
import type { MeshExportSettings } from '../../export/mesh/mesh-export-settings';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { createColourField, sampleColourField, type ColourField } from './colour-field';
import { exportDmtetGlb } from './export-dmtet-glb';
import { gridResolutionAt, type DmtetModelSettings } from './dmtet-model-settings';
import { rampWeight } from './dmtet-settings';
import { decodeDmtetState, encodeDmtetState, type DmtetStateArrays } from './dmtet-state-codec';
import { holdShellOutside, initialiseColourFromGaussians, initialiseColourFromProbe, initialiseSdfFromGaussians } from './initialise-from-density';
import { createTetFieldGradients, marchTetrahedra, marchTetrahedraBackward, surfaceVanishedError, type MarchedSurface, type TetFieldGradients } from './marching-tets';
import { initialiseSdfFromSilhouettes } from './initialise-from-silhouettes';
import { meshEdges } from './mesh-edges';
import { encodeMeshSnapshot, type MeshSnapshot } from '../../../shared/mesh/mesh-snapshot-payload';
import { sdfFromMesh } from './sdf-from-mesh';
import { VertexAlbedoProbe } from './vertex-albedo-probe';
import { laplacianLoss, normalConsistencyLoss, sdfSignLoss } from './regularisers';
import { resampleTetField } from './resample-tet-field';
import { renderSurface, renderSurfaceBackward, type SurfaceImageGradients, type SurfaceImages, type SurfacePass } from './surface-render';
import { fixedLight, viewLights, type ShadingModel } from './surface-shading';
import { boxDownsample, boxDownsampleBackward, supersampledCamera } from './supersample';
import { createTetField, type TetField } from './tet-deformation';
import { buildTetGrid, type TetGrid } from './tet-grid';

/** Silhouettes for a visual-hull start are rendered at this size: 2 pixels per cell of a 64 grid over the ball. */
const HULL_IMAGE_SIZE = 128;

/** Where the model gets its tet grids (the Kiln home's cache in a run, built in memory otherwise). */
export type TetGridSource = (resolution: number) => TetGrid;

export interface DmtetModelOptions {
  /** Iterations in the stage: the regulariser ramps and the grid progression are fractions of it. */
  iterations: number;
  /** Seeds the random lights ('random-point-light'); nothing else is random. */
  seed?: number;
  grids?: TetGridSource;
  rasterizer?: MeshRasterizer;
}

/** The regularisers' values in the last backward pass (unweighted). */
export interface DmtetRegularisers {
  laplacian: number;
  normalConsistency: number;
  sdfSign: number;
}

interface AdamGroup {
  m: Float32Array;
  v: Float32Array;
  steps: number;
}

const newGroup = (length: number): AdamGroup => ({ m: new Float32Array(length), v: new Float32Array(length), steps: 0 });

/** The generator's words as unsigned (it may hold them signed), so equal states encode to equal bytes. */
const canonicalRngState = (state: RngState): RngState => ({ ...state, s: state.s.map((v) => v >>> 0) as unknown as RngState['s'] });

const memoisedGrids = new Map<number, TetGrid>();
const builtGrid: TetGridSource = (resolution) => {
  let grid = memoisedGrids.get(resolution);
  if (!grid) memoisedGrids.set(resolution, (grid = buildTetGrid(resolution)));
  return grid;
};

/**
 * The DMTet representation's engine (DTC123 stage 2; docs/bench/mesh-fit.md): a tet grid's SDF and bounded deformations,
 * an albedo colour field, and their Adam state. One iteration is render → backward → step:
 *   const images = model.render(cameras, { background });   // per view rgb, alpha, depth, normals
 *   model.backward({ dRgb, dAlpha });                        // image-space gradients of the loss
 *   model.step();                                            // Adam, shell held outside, grid raised on schedule
 * The rasterizer's contexts live from one render to its backward pass and are dropped there. Deterministic.
 */
export class DmtetModel {
  grid: TetGrid;
  field: TetField;
  readonly colour: ColourField;
  /** Iterations completed (steps taken). */
  iteration = 0;
  lastRegularisers: DmtetRegularisers = { laplacian: 0, normalConsistency: 0, sdfSign: 0 };
  private readonly grids: TetGridSource;
  private readonly rasterizer: MeshRasterizer;
  private readonly rng: Rng;
  private sdfAdam: AdamGroup;
  private deformationAdam: AdamGroup;
  private readonly logitAdam: AdamGroup;
  private grads: TetFieldGradients;
  private readonly dLogits: Float32Array;
  private surface: MarchedSurface | null = null;
  private pending: SurfacePass | null = null;

  constructor(
    readonly settings: DmtetModelSettings,
    grid: TetGrid,
    field: TetField,
    colour: ColourField,
    readonly options: DmtetModelOptions,
  ) {
    if (!(options.iterations >= 1)) throw new Error('a DMTet model needs a stage of at least one iteration');
    this.grid = grid;
    this.field = field;
    this.colour = colour;
    this.grids = options.grids ?? builtGrid;
    this.rasterizer = options.rasterizer ?? new MeshRasterizer();
    this.rng = new Rng(options.seed ?? 0);
    this.sdfAdam = newGroup(field.sdf.length);
    this.deformationAdam = newGroup(field.deformation.length);
    this.logitAdam = newGroup(colour.logits.length);
    this.grads = createTetFieldGradients(field);
    this.dLogits = new Float32Array(colour.logits.length);
    holdShellOutside(grid, field.sdf);
  }

  /** A sphere of `radiusM` (exact SDF), uniform albedo: the start when no stage 1 ran. */
  static sphere(settings: DmtetModelSettings, radiusM: number, options: DmtetModelOptions, albedo: [number, number, number] = [0.5, 0.5, 0.5]): DmtetModel {
    const grid = (options.grids ?? builtGrid)(gridResolutionAt(settings, 0));
    const p = grid.positions;
    const sdf = Float32Array.from({ length: p.length / 3 }, (_, v) => Math.hypot(p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!) - radiusM);
    return new DmtetModel(settings, grid, createTetField(grid, sdf, settings.deformationScale), createColourField(settings.colourResolution, albedo), options);
  }

  /** From stage-1 Gaussians: SDF from their density field or their silhouettes' hull (initSurface), albedo from their colour at the initial surface. */
  static fromGaussians(g: GaussianArrays, settings: DmtetModelSettings, options: DmtetModelOptions): DmtetModel {
    const grid = (options.grids ?? builtGrid)(gridResolutionAt(settings, 0));
    const sdf =
      settings.initSurface === 'visual-hull'
        ? initialiseSdfFromSilhouettes(g, grid, { size: HULL_IMAGE_SIZE, alphaThreshold: settings.hullAlphaThreshold, threads: options.rasterizer?.threads ?? 1 })
        : initialiseSdfFromGaussians(g, grid, settings.initThreshold).sdf;
    const field = createTetField(grid, sdf, settings.deformationScale);
    const colour = initialiseColourFromGaussians(g, marchTetrahedra(grid, field), settings.colourResolution, fixedLight(settings.shading));
    return new DmtetModel(settings, grid, field, colour, options);
  }

  /**
   * From a mesh snapshot (a branch from the mesh stage): the SDF from the closed surface (sdf-from-mesh.ts), the
   * albedo from its vertices' (a VertexAlbedoProbe of one cell's radius) at the re-marched surface.
   */
  static fromMesh(mesh: MeshSnapshot, settings: DmtetModelSettings, options: DmtetModelOptions): DmtetModel {
    const grid = (options.grids ?? builtGrid)(gridResolutionAt(settings, 0));
    const field = createTetField(grid, sdfFromMesh(mesh, grid), settings.deformationScale);
    const colour = initialiseColourFromProbe(new VertexAlbedoProbe(mesh, grid.cellM), marchTetrahedra(grid, field), settings.colourResolution);
    return new DmtetModel(settings, grid, field, colour, options);
  }

  /** The current surface (extracted once per parameter state). */
  extract(): MarchedSurface {
    return (this.surface ??= marchTetrahedra(this.grid, this.field));
  }

  /**
   * Renders the views (one image size per batch) and keeps what the backward pass needs until it runs. Every output
   * is box-filtered from the supersampled render, depth and normals too (at silhouettes they mix with the 0 of the
   * empty samples). A surface that vanished (all SDF one sign) is the `optimisation` error with the way out.
   */
  render(cameras: readonly KernelCamera[], o: { background: readonly [number, number, number]; shading?: ShadingModel }): SurfaceImages {
    const surface = this.extract();
    if (surface.vanished) throw surfaceVanishedError(surface.vanished, this.iteration);
    // Another shading (a preview under the fixed light) draws no random lights: the training stream stays as it was.
    const lights = viewLights(o.shading ?? this.settings.shading, cameras, this.rng);
    const s = this.settings.supersample;
    const fine = cameras.map((c) => supersampledCamera(c, s));
    const { images, pass } = renderSurface(this.rasterizer, surface, this.colour, fine, lights, o.background);
    this.pending = pass;
    const { width, height } = cameras[0]!;
    const views = cameras.length;
    return {
      rgb: boxDownsample(images.rgb, 3 * views, width, height, s),
      alpha: boxDownsample(images.alpha, views, width, height, s),
      depth: boxDownsample(images.depth, views, width, height, s),
      normals: boxDownsample(images.normals, 3 * views, width, height, s),
    };
  }

  /**
   * Gradients of the last render's loss (image space) into the SDF, deformations and colour logits, plus the
   * regularisers at their (ramped) weights. Accumulates until step().
   */
  backward(grads: SurfaceImageGradients): DmtetRegularisers {
    const pass = this.pending;
    if (!pass) throw new Error('DmtetModel.backward needs a render first (one backward per render)');
    this.pending = null;
    const surface = this.extract();
    const s = this.settings.supersample;
    const { width, height, cameraCount: views } = pass.raster;
    const up = (g: Float32Array, planes: number) => boxDownsampleBackward(g, planes, width / s, height / s, s);
    const fine: SurfaceImageGradients = {
      dRgb: up(grads.dRgb, 3 * views),
      ...(grads.dAlpha ? { dAlpha: up(grads.dAlpha, views) } : {}),
      ...(grads.dDepth ? { dDepth: up(grads.dDepth, views) } : {}),
    };
    const dPositions = renderSurfaceBackward(this.rasterizer, pass, this.colour, fine, this.dLogits);
    const edges = meshEdges(surface);
    const progress = this.iteration / this.options.iterations;
    const { laplacianWeight, normalConsistencyWeight, sdfBceWeight } = this.settings;
    this.lastRegularisers = {
      laplacian: laplacianWeight > 0 ? laplacianLoss(surface, edges, dPositions, laplacianWeight) : 0,
      normalConsistency: normalConsistencyWeight > 0 ? normalConsistencyLoss(surface, edges, dPositions, normalConsistencyWeight) : 0,
      sdfSign: 0,
    };
    marchTetrahedraBackward(this.grid, this.field, surface, dPositions, this.grads);
    const bce = rampWeight(sdfBceWeight, progress);
    if (bce > 0) this.lastRegularisers.sdfSign = sdfSignLoss(surface, this.field.sdf, this.grads.sdf, bce);
    return this.lastRegularisers;
  }

  /** The gradients accumulated since the last step (read-only views: step() clears them). */
  gradients(): { sdf: Float32Array; deformation: Float32Array; logits: Float32Array } {
    return { sdf: this.grads.sdf, deformation: this.grads.deformation, logits: this.dLogits };
  }

  /** One Adam step on every parameter, the shell held outside, gradients cleared; then the grid rises on schedule. */
  step(): void {
    const s = this.settings;
    const decay = s.lrFinalFactor ** Math.min(1, this.iteration / this.options.iterations);
    const adam = (param: Float32Array, grad: Float32Array, group: AdamGroup, lr: number) => {
      adamStep(param, grad, group.m, group.v, lr * decay, ++group.steps, s.adam);
      grad.fill(0);
    };
    adam(this.field.sdf, this.grads.sdf, this.sdfAdam, s.sdfLrPerCell * this.grid.cellM);
    adam(this.field.deformation, this.grads.deformation, this.deformationAdam, s.deformationLr);
    adam(this.colour.logits, this.dLogits, this.logitAdam, s.colourLr);
    holdShellOutside(this.grid, this.field.sdf);
    this.pending = null;
    this.surface = null;
    this.iteration++;
    const resolution = gridResolutionAt(s, this.iteration / this.options.iterations);
    if (resolution !== this.grid.resolution) this.raiseGrid(this.grids(resolution));
  }

  /** Carries the field to a finer grid; the SDF and deformation moments start afresh (their entries changed). */
  private raiseGrid(grid: TetGrid): void {
    this.field = resampleTetField(this.grid, this.field, grid);
    this.grid = grid;
    this.sdfAdam = newGroup(this.field.sdf.length);
    this.deformationAdam = newGroup(this.field.deformation.length);
    this.grads = createTetFieldGradients(this.field);
    this.surface = null;
  }

  /** The surface with its per-vertex albedo (what the studio draws and the GLB exporter bakes). */
  meshSnapshot(): MeshSnapshot {
    const surface = this.extract();
    const albedo = sampleColourField(this.colour, surface.positions);
    return { positions: surface.positions, indices: surface.indices, albedo: Uint8Array.from(albedo, (a) => Math.round(255 * a)) };
  }

  /** The snapshot payload (shared/mesh/mesh-snapshot-payload.ts) for the studio and the snapshots table. */
  snapshotPayload(): Uint8Array {
    return encodeMeshSnapshot(this.meshSnapshot());
  }

  /** The GLB of the current surface with its albedo baked (export-dmtet-glb.ts). */
  exportGlb(options: Partial<MeshExportSettings> = {}): ReturnType<typeof exportDmtetGlb> {
    return exportDmtetGlb(this.extract(), this.colour, this.grid.cellM, options);
  }

  /** Everything a resumed run needs to continue bit-identically: parameters, Adam moments and steps, iteration, RNG. */
  exportState(): Uint8Array {
    const arrays: DmtetStateArrays = {
      sdf: this.field.sdf,
      deformation: this.field.deformation,
      logits: this.colour.logits,
      mSdf: this.sdfAdam.m,
      vSdf: this.sdfAdam.v,
      mDeformation: this.deformationAdam.m,
      vDeformation: this.deformationAdam.v,
      mLogits: this.logitAdam.m,
      vLogits: this.logitAdam.v,
    };
    const header = {
      gridResolution: this.grid.resolution,
      colourResolution: this.colour.resolution,
      deformationScale: this.field.deformationScale,
      iteration: this.iteration,
      rng: canonicalRngState(this.rng.getState()),
      adamSteps: [this.sdfAdam.steps, this.deformationAdam.steps, this.logitAdam.steps] as [number, number, number],
    };
    return encodeDmtetState(header, arrays);
  }

  /** The model exportState() wrote, with these settings and options (the stage's). */
  static importState(bytes: Uint8Array, settings: DmtetModelSettings, options: DmtetModelOptions): DmtetModel {
    const { header, arrays } = decodeDmtetState(bytes);
    const grid = (options.grids ?? builtGrid)(header.gridResolution);
    if (arrays.sdf.length !== grid.positions.length / 3 || arrays.logits.length !== 3 * header.colourResolution ** 3) {
      throw new Error('DMTet model state does not match its grid or colour resolution');
    }
    const field: TetField = { sdf: arrays.sdf, deformation: arrays.deformation, deformationScale: header.deformationScale };
    const model = new DmtetModel(settings, grid, field, { resolution: header.colourResolution, logits: arrays.logits }, options);
    model.iteration = header.iteration;
    model.rng.setState(header.rng);
    const groups = [
      [model.sdfAdam, arrays.mSdf, arrays.vSdf],
      [model.deformationAdam, arrays.mDeformation, arrays.vDeformation],
      [model.logitAdam, arrays.mLogits, arrays.vLogits],
    ] as const;
    groups.forEach(([group, m, v], i) => {
      group.m.set(m);
      group.v.set(v);
      group.steps = header.adamSteps[i]!;
    });
    return model;
  }
}
