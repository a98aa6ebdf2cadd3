import { availableParallelism } from 'node:os';
import { packKernelCameras, type KernelCamera } from './kernel-camera';
import type { TriangleMesh } from '../export/mesh/triangle-mesh';
import { checkCameras, checkChannels, checkMesh } from './mesh-raster-inputs';
import { loadNativeAddon, type NativeMesh, type NativeMeshRasterizer, type NativeMeshViews } from './native-addon';

/**
 * What rasterize() returns and every later stage reads: per pixel of B views (channels-first), the covering
 * triangle (−1: none), its perspective-correct barycentrics (b0, b1; b2 = 1 − b0 − b1) and camera-space depth
 * (0 where uncovered). It keeps the mesh and cameras it was made from: do not change them before the backward passes.
 */
export interface MeshRaster {
  readonly mesh: TriangleMesh;
  readonly cameras: readonly KernelCamera[];
  readonly cameraCount: number;
  readonly width: number;
  readonly height: number;
  /** B×H×W */
  readonly triangleId: Int32Array;
  /** B×2×H×W */
  readonly bary: Float32Array;
  /** B×H×W */
  readonly depth: Float32Array;
}

/** An antialiased image and the blends it made, which antialiasBackward() reads. */
export interface Antialiased {
  readonly raster: MeshRaster;
  /** The image that went in, B×channels×H×W. */
  readonly input: Float32Array;
  readonly channels: number;
  /** The antialiased image, B×channels×H×W. */
  readonly image: Float32Array;
  /** 6 ints per blend: view, occluder pixel, other pixel, axis (0 horizontal), edge vertices a and b. */
  readonly events: Int32Array;
}

interface NativeArgs {
  mesh: NativeMesh;
  views: NativeMeshViews;
}

/**
 * Kiln's differentiable mesh rasterizer (native/src/mesh/), three stateless stages in the structure nvdiffrast made
 * common: rasterize (z-buffer, barycentrics, depth) → interpolate (vertex attributes per pixel) → antialias (blend
 * across silhouette edges by their sub-pixel position, the one stage through which coverage itself has a gradient).
 * A render and its gradient:
 *   raster = rasterize(mesh, cams); attrs = interpolate(raster, A, channels); shade attrs in TS;
 *   aa = antialias(raster, withCoverage(raster, shaded, C), C + 1)   // the last channel is the alpha/mask
 *   { dImage, dPositions: dPosEdges } = antialiasBackward(aa, dLoss); splitCoverage(raster, dImage, C).image →
 *   shade backward → dAttrs image;
 *   { dAttributes, dBary } = interpolateBackward(raster, A, channels, dAttrsImage);
 *   dPositions = rasterizeBackward(raster, { dBary }) + dPosEdges.
 * Outputs are freshly allocated every call. The maths, conventions and limits: docs/mesh-rasterizer.md.
 */
export class MeshRasterizer {
  private readonly native: NativeMeshRasterizer;

  constructor(threads: number = availableParallelism()) {
    this.native = new (loadNativeAddon().MeshRasterizer)(threads);
  }

  get threads(): number {
    return this.native.threads;
  }

  rasterize(mesh: TriangleMesh, cameras: readonly KernelCamera[]): MeshRaster {
    checkMesh(mesh);
    const { width, height } = checkCameras(cameras);
    const plane = cameras.length * width * height;
    const raster: MeshRaster = {
      mesh,
      cameras,
      cameraCount: cameras.length,
      width,
      height,
      triangleId: new Int32Array(plane),
      bary: new Float32Array(2 * plane),
      depth: new Float32Array(plane),
    };
    const { mesh: m, views } = nativeArgs(raster);
    this.native.rasterize(m, views, raster);
    return raster;
  }

  /** ∂L/∂positions (V×3) through the barycentrics (and depth, if given) of every covered pixel. */
  rasterizeBackward(raster: MeshRaster, upstream: { dBary: Float32Array; dDepth?: Float32Array }): Float32Array {
    const plane = pixels(raster);
    checkChannels(upstream.dBary, 2, plane, 'dBary');
    if (upstream.dDepth) checkChannels(upstream.dDepth, 1, plane, 'dDepth');
    const { mesh, views } = nativeArgs(raster);
    const dPositions = new Float32Array(raster.mesh.positions.length);
    this.native.rasterizeBackward(mesh, views, raster, upstream, dPositions);
    return dPositions;
  }

  /** Per-vertex attributes (V×channels) interpolated to B×channels×H×W (0 where no triangle covers a pixel). */
  interpolate(raster: MeshRaster, attributes: Float32Array, channels: number): Float32Array {
    const { mesh, views } = nativeArgs(raster);
    checkChannels(attributes, channels, mesh.vertexCount, 'attributes');
    const out = new Float32Array(pixels(raster) * channels);
    this.native.interpolate(mesh, views, raster, { values: attributes, channels }, out);
    return out;
  }

  /** Gradients of interpolate(): to the attributes (V×channels) and to the raster's barycentrics (B×2×H×W). */
  interpolateBackward(
    raster: MeshRaster,
    attributes: Float32Array,
    channels: number,
    dImage: Float32Array,
  ): { dAttributes: Float32Array; dBary: Float32Array } {
    const { mesh, views } = nativeArgs(raster);
    checkChannels(attributes, channels, mesh.vertexCount, 'attributes');
    checkChannels(dImage, channels, pixels(raster), 'dImage');
    const grads = { dAttributes: new Float32Array(attributes.length), dBary: new Float32Array(2 * pixels(raster)) };
    this.native.interpolateBackward(mesh, views, raster, { values: attributes, channels }, dImage, grads);
    return grads;
  }

  /** The image (B×channels×H×W) blended across the raster's silhouette edges. */
  antialias(raster: MeshRaster, image: Float32Array, channels: number): Antialiased {
    checkChannels(image, channels, pixels(raster), 'image');
    const { mesh, views } = nativeArgs(raster);
    const out = new Float32Array(image.length);
    const events = this.native.antialias(mesh, views, raster, { values: image, channels }, out);
    return { raster, input: image, channels, image: out, events };
  }

  /** Gradients of antialias(): to its input image and, through the silhouette edges, to the vertex positions. */
  antialiasBackward(aa: Antialiased, dImage: Float32Array): { dImage: Float32Array; dPositions: Float32Array } {
    checkChannels(dImage, aa.channels, pixels(aa.raster), 'dImage');
    const { mesh, views } = nativeArgs(aa.raster);
    const grads = { dImage: new Float32Array(dImage.length), dPositions: new Float32Array(mesh.positions.length) };
    this.native.antialiasBackward(mesh, views, { values: aa.input, channels: aa.channels }, aa.events, dImage, grads);
    return grads;
  }
}

function pixels(raster: MeshRaster): number {
  return raster.cameraCount * raster.width * raster.height;
}

function nativeArgs(raster: MeshRaster): NativeArgs {
  const { positions, indices } = raster.mesh;
  return {
    mesh: { positions, indices, vertexCount: positions.length / 3, triangleCount: indices.length / 3 },
    views: { cameras: packKernelCameras(raster.cameras), cameraCount: raster.cameraCount, width: raster.width, height: raster.height },
  };
}
