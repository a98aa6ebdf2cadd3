import type { z } from 'zod';
import type { PayloadKind, RepresentationName } from '../../shared/runs';
import type { Rng } from '../random/rng';
import type { Camera } from './cameras/camera';

/**
 * A batch of renders of one representation, channels-first at one image size: rgb B×3×H×W in [0, 1], alpha and
 * expected camera depth B×H×W, world-space normals B×3×H×W where the representation has them. What the backward
 * pass needs travels with it (rasterizers keep no state between calls).
 */
export interface Rendering {
  readonly cameraCount: number;
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;
  readonly alpha: Float32Array;
  readonly depth: Float32Array;
  readonly normals?: Float32Array;
}

/** ∂L/∂ of a rendering's images, same layouts; absent planes are zero. */
export interface ImageGradients {
  dRgb: Float32Array;
  dAlpha?: Float32Array;
  dDepth?: Float32Array;
  dNormals?: Float32Array;
}

/** What a refinement hook did this iteration (densify/prune, remesh), for logs and benchmarks. */
export type RefineReport = Record<string, number>;

/**
 * Everything a resumed stage needs to continue bit for bit (parameters, optimiser moments, schedules, RNG): JSON
 * `meta` and named float arrays, bundled into the checkpoint blob by the pipeline.
 */
export interface RepresentationState {
  meta: Record<string, unknown>;
  arrays: Record<string, Float32Array>;
}

/** A snapshot's payload: what the timeline shows, exports read and the next stage (or a branch) starts from. */
export interface SnapshotPayload {
  kind: PayloadKind;
  bytes: Uint8Array;
}

/**
 * One trainable 3D representation inside a stage (docs/architecture.md, "The data path of one iteration"). The
 * stage runner calls, per 0-based iteration: beginIteration → render → (guidance) → backward → step → refine.
 * The guidance method only ever sees the rendering's images; it never learns which representation drew them.
 */
export interface Representation {
  readonly name: RepresentationName;
  readonly payloadKind: PayloadKind;
  /** Primitives right now (Gaussians, faces): progress reports and snapshot rows. */
  readonly size: number;
  /** Schedules that depend on the iteration before rendering (SH warm-up, resolution progression). */
  beginIteration(iteration: number, totalIterations: number): void;
  /** Renders a batch of views (all of one image size) over a uniform background. */
  render(cameras: readonly Camera[], background: readonly [number, number, number]): Rendering;
  /**
   * A render for people (thumbnails) that leaves the training state untouched, where render() would not (random
   * lights drawn from the representation's stream); render() is used when absent.
   */
  renderPreview?(cameras: readonly Camera[], background: readonly [number, number, number]): Rendering;
  /** Gradients of `rendering` (one of this representation's, of its current parameters), kept for step(). */
  backward(rendering: Rendering, gradients: ImageGradients): void;
  /** One optimiser step from the gradients of the last backward(). */
  step(iteration: number, totalIterations: number): void;
  /**
   * Structure changes after the step of `iteration` (densify/prune, remesh) when their schedules say so. Throws a
   * KilnError('optimisation') when nothing is left to optimise.
   */
  refine(iteration: number, totalIterations: number): RefineReport | undefined;
  saveState(): RepresentationState;
  /** The current payload (a copy: later steps do not change it). */
  payload(): SnapshotPayload;
}

export interface RepresentationContext<S> {
  settings: S;
  /** Draws the initial state (a fresh start only). */
  initRng: Rng;
  /** The representation's own stream during optimisation (e.g. split sampling); part of its state. */
  rng: Rng;
  /** CPU threads for its kernels (results do not depend on it). */
  threads: number;
}

/**
 * A registered representation (core/scene/registry.ts): adding one is a folder under scene/ with this definition,
 * nothing in the store, the wire format or the stage runner.
 */
export interface RepresentationDefinition<Schema extends z.ZodType = z.ZodType> {
  name: RepresentationName;
  title: string;
  payloadKind: PayloadKind;
  /** Whether a first stage can start from nothing, and the payload kinds it can start from (a branch, a stage before). */
  startsFromScratch: boolean;
  startsFrom: readonly PayloadKind[];
  /** Export formats (core/export/formats.ts names) its payload feeds. */
  exports: readonly string[];
  /** The stored, fully resolved settings of a stage. */
  settings: Schema;
  /**
   * A stage's settings from the preset's values under the request's (unknown keys refused with a KilnError
   * 'invalid-request'); `iterations` is the stage's length, for schedules set as fractions of it.
   */
  resolveSettings(preset: Record<string, unknown>, request: Record<string, unknown>, iterations: number): z.output<Schema>;
  /** A fresh representation, from scratch or from a payload of one of the `startsFrom` kinds. */
  create(ctx: RepresentationContext<z.output<Schema>>, from?: SnapshotPayload): Representation;
  /** The representation a checkpoint saved (saveState()), continuing bit for bit. */
  restore(ctx: RepresentationContext<z.output<Schema>>, state: RepresentationState): Representation;
}
