import { z } from 'zod';
import type { Conditioning, Guidance, Prior } from '../../diffusion/prior';

/**
 * How a latent-space gradient g_z returns to the render's pixels (docs/methods.md §0). `decode-target`: x* = D(z − g_z),
 * pixel gradient x − x* (exact for an orthonormal linear autoencoder); `linear`: g_x = upsample(Aᵀ·g_z) with the
 * pack's RGB→latent matrix. Pixel-space priors use neither.
 */
export const GradientTransport = z.enum(['decode-target', 'linear']);
export type GradientTransport = z.infer<typeof GradientTransport>;

/** Renders in [0, 1] → the prior's sample space (images in [−1, 1], encoded for latent packs). */
export async function toPriorSpace(prior: Prior, images: Float32Array): Promise<Float32Array> {
  const signed = new Float32Array(images.length);
  for (let k = 0; k < images.length; k++) signed[k] = images[k]! * 2 - 1;
  return prior.isLatent ? prior.encode(signed) : signed;
}

/** The prior's sample space → images in [0, 1] (for previews). */
export async function fromPriorSpace(prior: Prior, z: Float32Array): Promise<Float32Array> {
  const signed = prior.isLatent ? await prior.decode(z) : z;
  return signed.map((v) => Math.min(1, Math.max(0, (v + 1) / 2)));
}

/**
 * Carries g (a gradient on the prior's sample z of `images`) back to ∂L/∂images for images in [0, 1]; the factor 2
 * is the chain rule of x·2 − 1.
 */
export async function gradientToImages(
  prior: Prior,
  images: Float32Array,
  z: Float32Array,
  g: Float32Array,
  transport: GradientTransport,
): Promise<Float32Array> {
  if (!prior.isLatent) return g.map((v) => 2 * v);
  if (transport === 'decode-target') {
    const target = await prior.decode(z.map((v, k) => v - g[k]!));
    return images.map((x, k) => 2 * (x * 2 - 1 - target[k]!));
  }
  const A = prior.manifest.rgbToLatent;
  if (!A) throw new Error(`${prior.dir}: the linear gradient transport needs rgbToLatent in kiln.json`);
  const [C, h, w] = prior.latentShape;
  const S = prior.imageSize;
  const f = S / w;
  const n = images.length / (3 * S * S);
  const out = new Float32Array(images.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const cell = Math.floor(y / f) * w + Math.floor(x / f);
        for (let ch = 0; ch < 3; ch++) {
          let sum = 0;
          for (let c = 0; c < C; c++) sum += A[ch]![c]! * g[b * C * h * w + c * h * w + cell]!;
          out[b * 3 * S * S + ch * S * S + y * S + x] = (2 * sum) / (f * f);
        }
      }
  return out;
}

/** The unconditional branch alone (the negative/empty prompt at guidance scale 1). */
export function unconditional(cond: Conditioning): Conditioning {
  return { positive: cond.negative, negative: cond.negative };
}

export const NO_GUIDANCE: Guidance = { scale: 1 };

/** x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε. */
export function addNoise(x0: Float32Array, eps: Float32Array, alphaBar: number): Float32Array {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  return x0.map((v, k) => a * v + s * eps[k]!);
}

/** x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t. */
export function predictX0(xt: Float32Array, eps: Float32Array, alphaBar: number): Float32Array {
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  return xt.map((v, k) => (v - s * eps[k]!) / a);
}

export function rms(values: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k]! * values[k]!;
  return Math.sqrt(sum / Math.max(1, values.length));
}
