import { availableParallelism } from 'node:os';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { packKernelCameras, type KernelCamera } from './kernel-camera';
import { loadNativeAddon, type NativeForwardContext, type NativeGaussianRasterizer, type NativeRasterStats } from './native-addon';

export interface RenderOptions {
  /** Active SH degree (≤ the model's shDegreeMax); SH warm-up raises it during training. */
  shDegree: number;
  /** Background colour in [0, 1]. */
  background: [number, number, number];
}

/**
 * A batch of renders, channels-first: rgb B×3×H×W, alpha and depth B×H×W, radii B×N (0 = not drawn); and the
 * context its backward pass consumes. Each forward() allocates its own buffers: a render stays valid after the next.
 */
export interface RenderBatch {
  cameraCount: number;
  width: number;
  height: number;
  rgb: Float32Array;
  alpha: Float32Array;
  depth: Float32Array;
  radii: Float32Array;
  stats: NativeRasterStats;
  readonly context: NativeForwardContext;
}

export interface Upstream {
  dRgb: Float32Array;
  dAlpha?: Float32Array;
  dDepth?: Float32Array;
}

/**
 * The native 3DGS rasterizer, stateless between calls: forward() returns the renders with the context that
 * backward() consumes (docs/architecture.md, "Layers"). Output buffers are allocated here (JS-owned, so the addon
 * works under Electron).
 */
export class GaussianRasterizer {
  private readonly native: NativeGaussianRasterizer;

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
    const cameraCount = cameras.length;
    const plane = cameraCount * width * height;
    const outputs = {
      rgb: new Float32Array(3 * plane),
      alpha: new Float32Array(plane),
      depth: new Float32Array(plane),
      radii: new Float32Array(cameraCount * g.count),
    };
    const { context, ...stats } = this.native.forward(
      g,
      { cameras: packKernelCameras(cameras), cameraCount, width, height, shDegree: opts.shDegree, background: Float32Array.from(opts.background) },
      outputs,
    );
    return { cameraCount, width, height, ...outputs, stats, context };
  }

  /**
   * Gradients of `render` (a forward() of these Gaussians): overwrites `grads` and returns the per-view
   * screen-space mean gradients (B×N×2).
   */
  backward(
    render: RenderBatch,
    g: GaussianArrays,
    upstream: Upstream,
    grads: GaussianArrays,
    meanGrad2D: Float32Array = new Float32Array(2 * g.count * render.cameraCount),
  ): { meanGrad2D: Float32Array; stats: NativeRasterStats } {
    const stats = this.native.backward(render.context, g, upstream, grads, meanGrad2D);
    return { meanGrad2D, stats };
  }
}
