import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { silhouetteIou } from '../../../src/core/pipeline/bench/ground-truth';
import { GraphBuilder, ints } from '../../../src/core/diffusion/demo/graph-builder';
import { serializeModel } from '../../../src/core/diffusion/demo/onnx-model';
import { preprocessReferenceImage } from '../../../src/core/image/reference/preprocess-reference-image';
import { openSegmentationPack } from '../../../src/core/image/reference/segmentation-pack';
import { KilnError } from '../../../src/shared/errors';

const scratch = mkdtempSync(join(tmpdir(), 'kiln-segpack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A tiny BiRefNet-layout pack: input [1, 3, R, R] ImageNet-normalised, output logits [1, 1, R, R] = 4·(r' − b') − 2,
 * which calls red things foreground and grey or blue ones background.
 */
function writePack(name: string, manifest: object, options: { channels?: number; resolution?: number; inputs?: number } = {}): string {
  const R = options.resolution ?? 32;
  const C = options.channels ?? 3;
  const g = new GraphBuilder('redness');
  const x = g.input({ name: 'input_image', dataType: 'float', shape: [1, C, R, R] });
  if (options.inputs === 2) g.input({ name: 'extra', dataType: 'float', shape: [1] });
  const weights = new Float32Array(C);
  weights[0] = 4;
  weights[2] = -4;
  const conv = g.op('Conv', [x, g.floats(weights, [1, C, 1, 1]), g.floats([-2], [1])], { kernel_shape: ints([1, 1]) });
  g.output(conv, { name: 'logits', dataType: 'float', shape: [1, 1, R, R] });
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), serializeModel({ graph: g.build(), producerName: 'kiln-test', producerVersion: '1' }));
  writeFileSync(join(dir, 'kiln.json'), JSON.stringify(manifest));
  return dir;
}

/** A red disc on grey, 90×60; with `alpha`, the disc is also the alpha channel. */
function disc(alpha: boolean): Promise<Buffer> {
  const W = 90;
  const H = 60;
  const channels = alpha ? 4 : 3;
  const px = Buffer.alloc(W * H * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = (x - 50) ** 2 + (y - 28) ** 2 <= 18 ** 2;
      px.set(inside ? [220, 40, 30] : [180, 180, 180], (y * W + x) * channels);
      if (alpha) px[(y * W + x) * 4 + 3] = inside ? 255 : 0;
    }
  }
  return sharp(px, { raw: { width: W, height: H, channels } }).png().toBuffer();
}

async function expectPackError(dir: string, message: RegExp): Promise<void> {
  const err = await openSegmentationPack(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KilnError);
  expect((err as KilnError).code).toBe('model-pack');
  expect((err as KilnError).message).toMatch(message);
}

describe('segmentation packs (ONNX)', () => {
  it('a BiRefNet-layout pack segments an opaque photo; no built-in warning', async () => {
    const segmenter = await openSegmentationPack(writePack('birefnet', { kind: 'segmentation', layout: 'birefnet', resolution: 32, name: 'redness' }));
    try {
      const r = await preprocessReferenceImage(await disc(false), { size: 64 }, { segmenter });
      expect(r.maskSource).toBe('segmentation-pack');
      expect(r.warnings).toEqual([]);
      const exact = await preprocessReferenceImage(await disc(true), { size: 64 });
      expect(silhouetteIou(r.mask, exact.mask)).toBeGreaterThan(0.9); // the model sees the photo at 32²
      // An image with real alpha keeps its own mask even when a pack is installed.
      expect((await preprocessReferenceImage(await disc(true), { size: 64 }, { segmenter })).maskSource).toBe('alpha');
    } finally {
      await segmenter.close();
    }
  });

  it('refuses packs that do not match, naming the file and the tensor', async () => {
    await expectPackError(writePack('no-layout', { kind: 'segmentation', layout: 'sam' }), /kiln\.json is not a segmentation pack manifest: layout/);
    await expectPackError(writePack('four-channels', { kind: 'segmentation', layout: 'birefnet', resolution: 32 }, { channels: 4 }), /model\.onnx image input "input_image" has shape \[1, 4, 32, 32\]; expected 3 channels/);
    await expectPackError(writePack('wrong-size', { kind: 'segmentation', layout: 'u2net' }), /model\.onnx image input "input_image" has shape \[1, 3, 32, 32\]; the layout says 320 × 320/);
    await expectPackError(writePack('two-inputs', { kind: 'segmentation', layout: 'birefnet', resolution: 32 }, { inputs: 2 }), /has 2 inputs \(input_image, extra\)/);
    const bare = join(scratch, 'bare');
    mkdirSync(bare, { recursive: true });
    await expectPackError(bare, /has no kiln\.json/);
  });
});
