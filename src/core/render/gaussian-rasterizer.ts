import { availableParallelism } from 'node:os';
import type { GaussianArrays } from '../scene/gaussians/gaussian-layout';
import { packKernelCameras, type KernelCamera } from './kernel-camera';
import { loadNativeAddon, type NativeGaussianRasterizer, type NativeRasterStats } from './native-addon';

export interface RenderOptions {
  /** Active SH degree (≤ the model's shDegreeMax); SH warm-up raises it during training. */
  shDegree: number;
  /** Background colour in [0, 1]. */
  background: [number, number, number];
}

/** A batch of renders, channels-first: rgb B×3×H×W, alpha and depth B×H×W, radii B×N (0 = not drawn). */
export interface RenderBatch {
  cameraCount: number;
  width: number;
  height: number;
  rgb: Float32Array;
  alpha: Float32Array;
  depth: Float32Array;
  radii: Float32Array;
  stats: NativeRasterStats;
}

export interface Upstream {
  dRgb: Float32Array;
  dAlpha?: Float32Array;
  dDepth?: Float32Array;
}

/**
 * The native 3DGS rasterizer. Output buffers are allocated here (JS-owned, so the addon works under Electron) and
 * reused while the batch shape stays the same: callers copy what they keep past the next forward().
 */
export class GaussianRasterizer {
  private readonly native: NativeGaussianRasterizer;
  private outputs: RenderBatch | null = null;

  constructor(threads: number = availableParallelism()) {
    this.native = new (loadNativeAddon().GaussianRasterizer)(threads);
  }

  get threads(): number {
    return this.native.threads;
  }

  forward(g: GaussianArrays, cameras: readonly KernelCamera[], opts: RenderOptions): RenderBatch {
    if (cameras.length === 0) throw new Error('forward() needs at least one camera');
    const { width, height } = cameras[0]!;
    if (cameras.some((c) => c.width !== width || c.height !== height)) {
      throw new Error('all cameras of a batch must share one image size');
    }
    const out = this.outputsFor(cameras.length, width, height, g.count);
    out.stats = this.native.forward(
      g,
      {
        cameras: packKernelCameras(cameras),
        cameraCount: cameras.length,
        width,
        height,
        shDegree: opts.shDegree,
        background: Float32Array.from(opts.background),
      },
      out,
    );
    return out;
  }

  /** Gradients of the last forward(): overwrites `grads` and returns the per-view screen-space mean gradients. */
  backward(
    g: GaussianArrays,
    upstream: Upstream,
    grads: GaussianArrays,
    meanGrad2D: Float32Array = new Float32Array(2 * g.count * (this.outputs?.cameraCount ?? 1)),
  ): { meanGrad2D: Float32Array; stats: NativeRasterStats } {
    const stats = this.native.backward(g, upstream, grads, meanGrad2D);
    return { meanGrad2D, stats };
  }

  private outputsFor(cameraCount: number, width: number, height: number, count: number): RenderBatch {
    const o = this.outputs;
    if (o && o.cameraCount === cameraCount && o.width === width && o.height === height && o.radii.length === cameraCount * count) {
      return o;
    }
    const plane = cameraCount * width * height;
    this.outputs = {
      cameraCount,
      width,
      height,
      rgb: new Float32Array(3 * plane),
      alpha: new Float32Array(plane),
      depth: new Float32Array(plane),
      radii: new Float32Array(cameraCount * count),
      stats: { fragments: 0, pairs: 0 },
    };
    return this.outputs;
  }
}
