import { GraphBuilder, int, ints } from './graph-builder';
import { castIn, castOut, ONNX_TYPE, type MixtureSpec } from './denoiser-graph';
import type { GraphValue } from './onnx-model';

/**
 * The latent demo pack's fixed linear autoencoder. Each 2×2×3 pixel patch (12 values) maps to 4 latent channels by a
 * matrix with orthonormal rows, so decode(encode(x)) is the orthogonal projection onto that 4-dimensional subspace:
 * three colour channels of the patch mean (an orthonormal luma/chroma basis of RGB) and a luma top-minus-bottom edge.
 */
export const LATENT_CHANNELS = 4;
export const PATCH = 2;

const COLOUR_BASIS: readonly (readonly [number, number, number])[] = [
  [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)],
  [1 / Math.sqrt(2), 0, -1 / Math.sqrt(2)],
  [1 / Math.sqrt(6), -2 / Math.sqrt(6), 1 / Math.sqrt(6)],
];
/** Spatial patterns over the patch (dy, dx) row-major, unit norm. */
const PATCH_MEAN = [0.5, 0.5, 0.5, 0.5];
const PATCH_EDGE = [0.5, 0.5, -0.5, -0.5];

/** Weights as a Conv kernel [4 latent, 3 rgb, 2, 2]; rows are orthonormal in the 12 patch values. */
export function patchProjection(): Float32Array {
  const rows: [readonly number[], readonly number[]][] = [
    [COLOUR_BASIS[0]!, PATCH_MEAN],
    [COLOUR_BASIS[1]!, PATCH_MEAN],
    [COLOUR_BASIS[2]!, PATCH_MEAN],
    [COLOUR_BASIS[0]!, PATCH_EDGE],
  ];
  const w = new Float32Array(LATENT_CHANNELS * 3 * PATCH * PATCH);
  rows.forEach(([colour, spatial], k) => {
    for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) w[(k * 3 + c) * 4 + p] = colour[c]! * spatial[p]!;
  });
  return w;
}

/**
 * The 3×4 matrix taking a flat RGB colour (in [−1, 1]) to the scaled latent, as latent models publish it for the
 * `linear` gradient transport (docs/methods.md §0), and its 4×3 companion from latent back to RGB (patch average).
 */
export function rgbLatentMatrices(scalingFactor: number): { rgbToLatent: number[][]; latentToRgb: number[][] } {
  const w = patchProjection();
  const rgbToLatent = [0, 1, 2].map((c) =>
    Array.from({ length: LATENT_CHANNELS }, (_, k) => scalingFactor * [0, 1, 2, 3].reduce((s, p) => s + w[(k * 3 + c) * 4 + p]!, 0)),
  );
  const latentToRgb = Array.from({ length: LATENT_CHANNELS }, (_, k) =>
    [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((s, p) => s + w[(k * 3 + c) * 4 + p]!, 0) / 4 / scalingFactor),
  );
  return { rgbToLatent, latentToRgb };
}

/** Plain-JS encode of one 3×H×W image (values in [−1, 1]) to the unscaled 4×H/2×W/2 latent. */
export function encodePatches(image: Float32Array, height: number, width: number): Float32Array {
  const w = patchProjection();
  const h2 = height / PATCH;
  const w2 = width / PATCH;
  const out = new Float32Array(LATENT_CHANNELS * h2 * w2);
  for (let k = 0; k < LATENT_CHANNELS; k++) {
    for (let y = 0; y < h2; y++) {
      for (let x = 0; x < w2; x++) {
        let s = 0;
        for (let c = 0; c < 3; c++) {
          for (let dy = 0; dy < PATCH; dy++) {
            for (let dx = 0; dx < PATCH; dx++) {
              s += w[(k * 3 + c) * 4 + dy * PATCH + dx]! * image[(c * height + y * PATCH + dy) * width + x * PATCH + dx]!;
            }
          }
        }
        out[(k * h2 + y) * w2 + x] = s;
      }
    }
  }
  return out;
}

/** vae_encoder: sample [B, 3, H, W] → latent_sample [B, 4, H/2, W/2] (unscaled, as diffusers' VAEs). */
export function vaeEncoderGraph(imageSize: number, ioType: MixtureSpec['ioType']): GraphValue {
  const g = new GraphBuilder('kiln_demo_vae_encoder');
  const io = ONNX_TYPE[ioType];
  const sample = g.input({ name: 'sample', dataType: io, shape: ['batch', 3, imageSize, imageSize] });
  const kernel = g.floats(patchProjection(), [LATENT_CHANNELS, 3, PATCH, PATCH], 'patch_projection');
  const latent = g.op('Conv', [castIn(g, sample, ioType), kernel], { kernel_shape: ints([PATCH, PATCH]), strides: ints([PATCH, PATCH]), group: int(1) });
  g.output(castOut(g, latent, ioType), { name: 'latent_sample', dataType: io, shape: ['batch', LATENT_CHANNELS, imageSize / PATCH, imageSize / PATCH] });
  return g.build();
}

/** vae_decoder: latent_sample [B, 4, h, w] (unscaled) → sample [B, 3, 2h, 2w], the transpose of the encoder. */
export function vaeDecoderGraph(imageSize: number, ioType: MixtureSpec['ioType']): GraphValue {
  const g = new GraphBuilder('kiln_demo_vae_decoder');
  const io = ONNX_TYPE[ioType];
  const latent = g.input({ name: 'latent_sample', dataType: io, shape: ['batch', LATENT_CHANNELS, imageSize / PATCH, imageSize / PATCH] });
  const kernel = g.floats(patchProjection(), [LATENT_CHANNELS, 3, PATCH, PATCH], 'patch_projection');
  const image = g.op('ConvTranspose', [castIn(g, latent, ioType), kernel], { kernel_shape: ints([PATCH, PATCH]), strides: ints([PATCH, PATCH]) });
  g.output(castOut(g, image, ioType), { name: 'sample', dataType: io, shape: ['batch', 3, imageSize, imageSize] });
  return g.build();
}
