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

export interface NativeGaussianRasterizer {
  readonly threads: number;
  forward(
    params: NativeGaussianParams,
    view: { cameras: Float32Array; cameraCount: number; width: number; height: number; shDegree: number; background: Float32Array },
    outputs: { rgb: Float32Array; alpha: Float32Array; depth: Float32Array; radii: Float32Array },
  ): NativeRasterStats;
  backward(
    params: NativeGaussianParams,
    upstream: { dRgb: Float32Array; dAlpha?: Float32Array | null; dDepth?: Float32Array | null },
    grads: Omit<NativeGaussianParams, 'count' | 'shDegreeMax'>,
    meanGrad2D: Float32Array,
  ): NativeRasterStats;
}

/** A mesh as the native mesh kernels read it. */
export interface NativeMesh {
  positions: Float32Array;
  indices: Uint32Array;
  vertexCount: number;
  triangleCount: number;
}

export interface NativeMeshViews {
  cameras: Float32Array;
  cameraCount: number;
  width: number;
  height: number;
}

export interface NativeMeshRaster {
  triangleId: Int32Array;
  bary: Float32Array;
  depth: Float32Array;
}

/** Channels-first values: per vertex (V×channels) for interpolate, per pixel (B×channels×H×W) for antialias. */
export interface NativeChannels {
  values: Float32Array;
  channels: number;
}

/** The native mesh rasterizer (native/src/mesh/): stateless kernels writing into the arrays they are given. */
export interface NativeMeshRasterizer {
  readonly threads: number;
  rasterize(mesh: NativeMesh, views: NativeMeshViews, out: NativeMeshRaster): void;
  rasterizeBackward(
    mesh: NativeMesh,
    views: NativeMeshViews,
    raster: NativeMeshRaster,
    upstream: { dBary: Float32Array; dDepth?: Float32Array | null },
    dPositions: Float32Array,
  ): void;
  interpolate(mesh: NativeMesh, views: NativeMeshViews, raster: NativeMeshRaster, attributes: NativeChannels, out: Float32Array): void;
  interpolateBackward(
    mesh: NativeMesh,
    views: NativeMeshViews,
    raster: NativeMeshRaster,
    attributes: NativeChannels,
    dOut: Float32Array,
    grads: { dAttributes: Float32Array; dBary: Float32Array },
  ): void;
  /** Returns the blends it made, 6 ints each (view, occluder pixel, other pixel, axis, edge vertex a, b). */
  antialias(mesh: NativeMesh, views: NativeMeshViews, raster: NativeMeshRaster, image: NativeChannels, out: Float32Array): Int32Array;
  antialiasBackward(
    mesh: NativeMesh,
    views: NativeMeshViews,
    image: NativeChannels,
    events: Int32Array,
    dOut: Float32Array,
    grads: { dImage: Float32Array; dPositions: Float32Array },
  ): void;
}

/** The functions the C++ addon exports. Kernels write only into typed arrays allocated here in JS. */
export interface NativeAddon {
  version(): string;
  hardwareThreads(): number;
  /** y += alpha · x, in place. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  GaussianRasterizer: new (threads?: number) => NativeGaussianRasterizer;
  rasterConstants(): Record<string, number>;
  MeshRasterizer: new (threads?: number) => NativeMeshRasterizer;
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
