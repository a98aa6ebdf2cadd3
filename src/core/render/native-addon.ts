import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { KilnError } from '../../shared/errors';
import { packageRoot } from '../package-root';

export interface NativeRasterStats {
  /** Gaussian–pixel evaluations while the pixel was still accumulating. */
  fragments: number;
  /** (tile, Gaussian) pairs after binning. */
  pairs: number;
}

export interface NativeGaussianParams {
  count: number;
  shDegreeMax: number;
  means: Float32Array;
  logScales: Float32Array;
  quats: Float32Array;
  opacityLogits: Float32Array;
  shDc: Float32Array;
  shRest: Float32Array;
}

/** What a forward pass leaves for its backward pass (projected Gaussians, tile lists, per-pixel state), held natively. */
declare const forwardContextBrand: unique symbol;
export interface NativeForwardContext {
  readonly [forwardContextBrand]: true;
}

export interface NativeGaussianRasterizer {
  readonly threads: number;
  forward(
    params: NativeGaussianParams,
    view: { cameras: Float32Array; cameraCount: number; width: number; height: number; shDegree: number; background: Float32Array },
    outputs: { rgb: Float32Array; alpha: Float32Array; depth: Float32Array; radii: Float32Array },
  ): NativeRasterStats & { context: NativeForwardContext };
  backward(
    context: NativeForwardContext,
    params: NativeGaussianParams,
    upstream: { dRgb: Float32Array; dAlpha?: Float32Array | null; dDepth?: Float32Array | null },
    grads: Omit<NativeGaussianParams, 'count' | 'shDegreeMax'>,
    meanGrad2D: Float32Array,
  ): NativeRasterStats;
}

/** The functions the C++ addon exports. Kernels write only into typed arrays allocated here in JS. */
export interface NativeAddon {
  version(): string;
  hardwareThreads(): number;
  GaussianRasterizer: new (threads?: number) => NativeGaussianRasterizer;
  rasterConstants(): Record<string, number>;
}

let loaded: NativeAddon | undefined;

export function nativeAddonPath(root: string = packageRoot()): string {
  return join(root, 'native', 'build', 'Release', 'kiln_native.node');
}

/** Loads the addon once. A missing or broken build is a user-fixable error that says how to fix it. */
export function loadNativeAddon(path: string = nativeAddonPath()): NativeAddon {
  if (loaded) return loaded;
  if (!existsSync(path)) {
    throw new KilnError('native-addon', `Kiln's native addon is not built (${path} is missing); run "npm run build:native"`);
  }
  try {
    loaded = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new KilnError(
      'native-addon',
      `Kiln's native addon at ${path} failed to load (${(err as Error).message}); rebuild it with "npm run build:native"`,
    );
  }
  return loaded;
}
