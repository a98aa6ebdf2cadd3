import type { z } from 'zod';
import type { RepresentationName } from '../../shared/runs';
import type { OrbitView } from '../diffusion/pose-embedding';
import type { Conditioning, Prior } from '../diffusion/prior';
import type { Rng } from '../random/rng';
import type { ReferenceSupervision } from './shared/reference-losses';

/** Where an image was seen from (for view-dependent prompts and logging). */
export interface ViewInfo {
  elevationDeg: number;
  azimuthDeg: number;
  radiusM: number;
}

/** One iteration's renders, at the prior's image size. */
export interface GuidanceInput {
  /** B×3×S×S, channels-first, in [0, 1]. */
  images: Float32Array;
  /** B×S×S. */
  alpha: Float32Array;
  /** B×S×S expected camera depth. */
  depth: Float32Array;
  views: readonly ViewInfo[];
  /** 0-based iteration and the run's length (schedules anneal over it). */
  iteration: number;
  totalIterations: number;
  /**
   * The same across the whole run when it has several stages (iterations of the stages before included): for
   * schedules that span the run rather than a stage — DTC123's curriculum keeps lowering t through its mesh stage.
   * The stage's own when absent.
   */
  run?: { iteration: number; totalIterations: number };
  rng: Rng;
}

export interface GuidanceResult {
  /**
   * ∂L/∂images, same layout as `images`: the method's image-space gradient (for latent priors already carried back
   * through the gradient transport). The run loop scales it (a mean over pixels) before the renderer's backward.
   */
  dImages: Float32Array;
  dAlpha?: Float32Array;
  dDepth?: Float32Array;
  /** Timestep(s) used this iteration (first image's first). */
  t: number;
  /** Magnitudes of the method's terms, for the UI's chart and the benchmark. */
  terms: Record<string, number>;
  /** The prior's x̂₀ for the first image, 3×S×S in [0, 1]. */
  x0Preview?: Float32Array;
  unetCalls: number;
}

/** A method instance for one run: holds its schedule state (and, for VDM, trained weights). */
export interface GuidanceMethod {
  readonly name: string;
  /**
   * Image-conditioned methods that fit the reference view (DTC123): how often and with which weights. The stage
   * runner applies it when the run has a reference (StageLoopOptions.reference); other methods leave it undefined.
   */
  readonly referenceSupervision?: ReferenceSupervision;
  step(input: GuidanceInput): Promise<GuidanceResult>;
  /** Method state a resumed run needs beyond the settings (JSON-serialisable). */
  saveState?(): unknown;
  loadState?(state: unknown): void;
}

export interface MethodContext<S> {
  prior: Prior;
  conditioning: Conditioning;
  settings: S;
  rng: Rng;
  /** The run's prompt and negative prompt (methods that build view-dependent prompts encode their own variants). */
  prompt?: string;
  negativePrompt?: string;
  /**
   * Image runs: the camera the reference photo is taken to be seen from (azimuth 0 by convention). With a
   * view-conditioned prior, `conditioning` holds the reference; each rendered view is asked for with its pose
   * relative to this camera (shared/view-conditioning.ts).
   */
  referenceCamera?: OrbitView;
  /** DTC123's second teacher: a text-to-image prior and its caption's conditioning, for colour at small t. */
  textTeacher?: TextTeacher;
}

/** A text-to-image prior beside a run's view-conditioned one, with the encoded caption (and negative prompt). */
export interface TextTeacher {
  prior: Prior;
  conditioning: Conditioning;
}

/** A registered method: its name, a one-line description, its settings schema (authors' defaults) and a factory. */
export interface MethodDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  summary: string;
  settings: Schema;
  /** Built for image → 3D: measured by `kiln bench image`, left out of the text-to-3D `kiln bench methods` by default. */
  imageToThreeD?: boolean;
  /**
   * The representations of the stages in which the method takes a text teacher (MethodContext.textTeacher) beside a
   * view-conditioned prior: DTC123's mesh stage, the paper's second stage. A photo run with a caption opens one there.
   */
  textTeacherIn?: readonly RepresentationName[];
  create(ctx: MethodContext<z.output<Schema>>): GuidanceMethod;
}
