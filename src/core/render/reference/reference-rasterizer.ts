import { allocateGaussians, type GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import type { KernelCamera } from '../kernel-camera';
import { RASTER } from '../raster-constants';
import { projectGaussian, type ProjectedGaussian } from './project-gaussian';
import { projectGaussianBackward, type ScreenGradient } from './project-gaussian-backward';

/**
 * A plain, slow, float64 3DGS rasterizer: the specification the native kernel is tested against. Same projection,
 * tile culling, depth order (ties by index), alpha thresholds and early termination as the kernel.
 */
export interface ReferenceRender {
  /** Channels-first colour, 3×H×W, in [0, 1] (before any clamping). */
  rgb: Float64Array;
  alpha: Float64Array;
  /** Expected camera-space depth Σ wᵢ zᵢ (not divided by alpha). */
  depth: Float64Array;
  /** Screen radius in pixels; 0 = not drawn. */
  radii: Float64Array;
  projected: ProjectedGaussian[];
}

export interface ReferenceOptions {
  shDegree: number;
  background: [number, number, number];
}

function sortedIndicesForPixel(projected: ProjectedGaussian[], tx: number, ty: number): number[] {
  const list: number[] = [];
  projected.forEach((p, i) => {
    if (p.visible && tx >= p.rect[0] && tx < p.rect[2] && ty >= p.rect[1] && ty < p.rect[3]) list.push(i);
  });
  return list.sort((a, b) => projected[a]!.depth - projected[b]!.depth || a - b);
}

interface Fragment {
  index: number;
  alpha: number;
  G: number;
  dx: number;
  dy: number;
  clamped: boolean;
}

/** The fragments that contribute to pixel (px, py), front to back, and the final transmittance. */
function fragmentsAt(projected: ProjectedGaussian[], px: number, py: number): { frags: Fragment[]; T: number } {
  const list = sortedIndicesForPixel(projected, Math.floor(px / RASTER.TILE), Math.floor(py / RASTER.TILE));
  const cx = px + 0.5, cy = py + 0.5;
  let T = 1;
  const frags: Fragment[] = [];
  for (const index of list) {
    const p = projected[index]!;
    const dx = p.u - cx, dy = p.v - cy;
    const power = -0.5 * (p.conic[0] * dx * dx + p.conic[2] * dy * dy) - p.conic[1] * dx * dy;
    if (power > 0) continue;
    const G = Math.exp(power);
    const raw = p.opacity * G;
    const alpha = Math.min(RASTER.ALPHA_MAX, raw);
    if (alpha < RASTER.ALPHA_MIN) continue;
    const nextT = T * (1 - alpha);
    if (nextT < RASTER.T_MIN) break;
    frags.push({ index, alpha, G, dx, dy, clamped: raw > RASTER.ALPHA_MAX });
    T = nextT;
  }
  return { frags, T };
}

export function referenceForward(
  g: GaussianArrays<ArrayLike<number>>,
  cam: KernelCamera,
  opts: ReferenceOptions,
): ReferenceRender {
  const { width: W, height: H } = cam;
  const projected = Array.from({ length: g.count }, (_, i) => projectGaussian(g, i, cam, opts.shDegree));
  const rgb = new Float64Array(3 * W * H);
  const alpha = new Float64Array(W * H);
  const depth = new Float64Array(W * H);
  for (let py = 0; py < H; py++)
    for (let px = 0; px < W; px++) {
      const { frags, T: finalT } = fragmentsAt(projected, px, py);
      let T = 1;
      const pix = py * W + px;
      for (const f of frags) {
        const p = projected[f.index]!;
        const w = f.alpha * T;
        for (let ch = 0; ch < 3; ch++) rgb[ch * W * H + pix]! += p.colour[ch]! * w;
        depth[pix]! += p.depth * w;
        T *= 1 - f.alpha;
      }
      for (let ch = 0; ch < 3; ch++) rgb[ch * W * H + pix]! += finalT * opts.background[ch]!;
      alpha[pix] = 1 - finalT;
    }
  return { rgb, alpha, depth, radii: Float64Array.from(projected, (p) => (p.visible ? p.radius : 0)), projected };
}

export interface ReferenceGradients {
  params: GaussianArrays<Float64Array>;
  /** Per Gaussian, the screen-space mean gradient in NDC units (densification's statistic), N×2. */
  meanGrad2D: Float64Array;
}

export function referenceBackward(
  g: GaussianArrays<ArrayLike<number>>,
  cam: KernelCamera,
  opts: ReferenceOptions,
  forward: ReferenceRender,
  dRgb: ArrayLike<number>,
  dAlpha?: ArrayLike<number>,
  dDepth?: ArrayLike<number>,
): ReferenceGradients {
  const { width: W, height: H } = cam;
  const projected = forward.projected;
  const screen: ScreenGradient[] = projected.map(() => ({
    u: 0, v: 0, conic: [0, 0, 0], colour: [0, 0, 0], opacity: 0, depth: 0,
  }));
  for (let py = 0; py < H; py++)
    for (let px = 0; px < W; px++) {
      const pix = py * W + px;
      const { frags, T: finalT } = fragmentsAt(projected, px, py);
      const gC = [dRgb[pix]!, dRgb[W * H + pix]!, dRgb[2 * W * H + pix]!];
      const gA = dAlpha ? dAlpha[pix]! : 0;
      const gD = dDepth ? dDepth[pix]! : 0;
      // Everything behind the current fragment: colour and depth it contributes, background included.
      const behind = [finalT * opts.background[0], finalT * opts.background[1], finalT * opts.background[2]];
      let behindDepth = 0;
      let T = finalT;
      for (let k = frags.length - 1; k >= 0; k--) {
        const f = frags[k]!;
        const p = projected[f.index]!;
        const sg = screen[f.index]!;
        T /= 1 - f.alpha;
        const w = f.alpha * T;
        let dAlphaK = 0;
        for (let ch = 0; ch < 3; ch++) {
          sg.colour[ch]! += w * gC[ch]!;
          dAlphaK += (p.colour[ch]! * T - behind[ch]! / (1 - f.alpha)) * gC[ch]!;
          behind[ch]! += p.colour[ch]! * w;
        }
        sg.depth += w * gD;
        dAlphaK += (p.depth * T - behindDepth / (1 - f.alpha)) * gD;
        behindDepth += p.depth * w;
        dAlphaK += (finalT / (1 - f.alpha)) * gA;
        if (f.clamped) continue;
        sg.opacity += dAlphaK * f.G;
        const dPower = dAlphaK * p.opacity * f.G;
        sg.conic[0] += dPower * -0.5 * f.dx * f.dx;
        sg.conic[2] += dPower * -0.5 * f.dy * f.dy;
        sg.conic[1] += dPower * -f.dx * f.dy;
        sg.u += dPower * -(p.conic[0] * f.dx + p.conic[1] * f.dy);
        sg.v += dPower * -(p.conic[2] * f.dy + p.conic[1] * f.dx);
      }
    }
  const grads = allocateGaussians(g.count, g.shDegreeMax) as unknown as GaussianArrays<Float64Array>;
  for (const key of ['means', 'logScales', 'quats', 'opacityLogits', 'shDc', 'shRest'] as const) {
    grads[key] = new Float64Array(grads[key].length);
  }
  const meanGrad2D = new Float64Array(2 * g.count);
  projected.forEach((p, i) => {
    if (!p.visible) return;
    projectGaussianBackward(g, i, cam, opts.shDegree, p, screen[i]!, grads);
    meanGrad2D[2 * i] = screen[i]!.u * 0.5 * W;
    meanGrad2D[2 * i + 1] = screen[i]!.v * 0.5 * H;
  });
  return { params: grads, meanGrad2D };
}
