import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { silhouetteIou } from '../../../src/core/pipeline/bench/ground-truth';
import { preprocessReferenceImage, type PreprocessedReference } from '../../../src/core/image/reference/preprocess-reference-image';
import { maskBox } from '../../../src/core/image/reference/frame-reference';
import { KilnError } from '../../../src/shared/errors';
import type { ReferenceImageSettingsInput } from '../../../src/shared/reference-image-settings';
import { pngHeaderOnly } from '../../helpers/damaged-images';

// A synthetic photo: a red disc (left) and a blue bar (right), joined, on a plain grey background. 120×80, not square.
const W = 120;
const H = 80;
const BACKGROUND = [180, 180, 180];
function inside(x: number, y: number): 'disc' | 'bar' | null {
  if ((x - 40) ** 2 + (y - 42) ** 2 <= 22 ** 2) return 'disc';
  if (x >= 55 && x < 95 && y >= 34 && y < 50) return 'bar';
  return null;
}
/** The object's box in the synthetic photo: x 18..94, y 20..64. */
const BOX = { x: 18, y: 20, width: 77, height: 45 };

function scene(channels: 3 | 4): Buffer {
  const px = Buffer.alloc(W * H * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const part = inside(x, y);
      const rgb = part === 'disc' ? [220, 40, 30] : part === 'bar' ? [30, 60, 200] : BACKGROUND;
      px.set(rgb, (y * W + x) * channels);
      if (channels === 4) px[(y * W + x) * 4 + 3] = part ? 255 : 0;
    }
  }
  return px;
}
const raw = (channels: 3 | 4) => sharp(scene(channels), { raw: { width: W, height: H, channels } });

async function expectInvalid(bytes: Uint8Array, message: RegExp, settings: ReferenceImageSettingsInput = {}): Promise<void> {
  const err = await preprocessReferenceImage(bytes, settings, { name: 'photo.png' }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KilnError);
  expect((err as KilnError).code).toBe('invalid-image');
  expect((err as KilnError).message).toMatch(/^photo\.png /);
  expect((err as KilnError).message).toMatch(message);
}

/** Mean colour of the output well inside the object (mask ≥ 0.99 over a 7×7 neighbourhood: clear of resampling ringing). */
function meanInside(r: PreprocessedReference, region: (x: number, y: number) => boolean): number[] {
  const S = r.settings.size;
  const solid = (x: number, y: number) => {
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if ((r.mask[(y + dy) * S + x + dx] ?? 0) < 0.99) return false;
    return true;
  };
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 3; y < S - 3; y++) {
    for (let x = 3; x < S - 3; x++) {
      if (!solid(x, y) || !region(x, y)) continue;
      for (let c = 0; c < 3; c++) sum[c]! += r.image[c * S * S + y * S + x]!;
      n++;
    }
  }
  expect(n, 'pixels well inside the object').toBeGreaterThan(0);
  return sum.map((v) => v / n);
}

const S = 64;

describe('reference images: formats', () => {
  it('RGBA PNG: the alpha channel is the mask, no warning; the object is recentred with the border ratio', async () => {
    const png = await raw(4).png().toBuffer();
    const r = await preprocessReferenceImage(png, { size: 128 });
    expect(r.maskSource).toBe('alpha');
    expect(r.warnings).toEqual([]);
    expect(r.source).toEqual({ format: 'png', width: W, height: H });
    expect(r.mask.length).toBe(128 * 128);
    expect(r.image.length).toBe(3 * 128 * 128);
    // Longer side (1 − 0.2)·128 = 102.4 px, centred; the aspect ratio kept.
    expect(Math.abs(r.objectBox.width - 102.4)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(r.objectBox.height - (102.4 * BOX.height) / BOX.width)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(r.objectBox.x + r.objectBox.width / 2 - 64)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(r.objectBox.y + r.objectBox.height / 2 - 64)).toBeLessThanOrEqual(1.5);
    // Composited on white; the disc is red on the left, the bar blue on the right.
    expect([r.image[0], r.image[128 * 128], r.image[2 * 128 * 128]]).toEqual([1, 1, 1]);
    const left = meanInside(r, (x) => x < 48);
    const right = meanInside(r, (x) => x > 92);
    expect(left[0]).toBeCloseTo(220 / 255, 2);
    expect(right[2]).toBeCloseTo(200 / 255, 2);
  });

  it.each([0, 0.1, 0.4])('border ratio %s measured on the output mask', async (borderRatio) => {
    const r = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: 128, borderRatio });
    const box = maskBox(r.mask, 128, 128)!;
    expect(Math.abs(Math.max(box.width, box.height) - (1 - borderRatio) * 128)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(box.x + box.width / 2 - 64)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(box.y + box.height / 2 - 64)).toBeLessThanOrEqual(1.5);
  });

  it('recentre off keeps the photo framing, padded to a square', async () => {
    const r = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: 120, recentre: false });
    // 120×80 fits as 120×80, padded by 20 rows above and below.
    expect(Math.abs(r.objectBox.x - BOX.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.objectBox.y - (BOX.y + 20))).toBeLessThanOrEqual(1);
    expect(Math.abs(r.objectBox.width - BOX.width)).toBeLessThanOrEqual(1);
  });

  it('opaque PNG on a plain background: the built-in segmentation finds the same object, with a visible warning', async () => {
    const cutout = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: S });
    const r = await preprocessReferenceImage(await raw(3).png().toBuffer(), { size: S });
    expect(r.maskSource).toBe('built-in');
    expect(r.warnings.join(' ')).toMatch(/built-in segmentation/);
    expect(silhouetteIou(r.mask, cutout.mask)).toBeGreaterThan(0.97);
  });

  it('16-bit PNG: decoded at 16 bits (a colour halfway between two 8-bit levels survives)', async () => {
    const px = new Uint16Array(W * H * 3);
    const grey = 180 * 257;
    const colour = [0x8100, 0x2000, 0x1234]; // 0x8100 lies halfway between the 8-bit levels 128 (0x8080) and 129 (0x8181)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px.set(inside(x, y) ? colour : [grey, grey, grey], (y * W + x) * 3);
    const png = await sharp(px, { raw: { width: W, height: H, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const r = await preprocessReferenceImage(png, { size: 128 });
    const mean = meanInside(r, () => true);
    // Within a quarter of an 8-bit level (an 8-bit decode would be half a level, 0.00196, off).
    expect(Math.abs(mean[0]! - colour[0]! / 65535)).toBeLessThan(0.001);
    expect(Math.abs(mean[2]! - colour[2]! / 65535)).toBeLessThan(0.001);
  });

  it('16-bit grey + alpha PNG', async () => {
    const px = new Uint16Array(W * H * 2);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px.set(inside(x, y) ? [30000, 65535] : [65535, 0], (y * W + x) * 2);
    const png = await sharp(px, { raw: { width: W, height: H, channels: 2 } }).toColourspace('grey16').png().toBuffer();
    const meta = await sharp(png).metadata();
    expect([meta.channels, meta.depth]).toEqual([2, 'ushort']);
    const r = await preprocessReferenceImage(png, { size: S });
    expect(r.maskSource).toBe('alpha');
    const mean = meanInside(r, () => true);
    for (const c of mean) expect(c).toBeCloseTo(30000 / 65535, 3);
  });

  it('8-bit grey PNG (opaque): grey out, built-in mask', async () => {
    const png = await raw(3).toColourspace('b-w').png().toBuffer();
    expect((await sharp(png).metadata()).channels).toBe(1);
    const r = await preprocessReferenceImage(png, { size: S });
    expect(r.maskSource).toBe('built-in');
    const mean = meanInside(r, (x) => x < S / 2 - 8);
    expect(mean[0]).toBeCloseTo(mean[1]!, 6);
    expect(mean[1]).toBeCloseTo(mean[2]!, 6);
  });

  it('palette PNG, opaque and with a transparent palette entry', async () => {
    const opaque = await raw(3).png({ palette: true, colours: 8, dither: 0 }).toBuffer();
    const cut = await raw(4).png({ palette: true, colours: 8, dither: 0 }).toBuffer();
    for (const png of [opaque, cut]) expect((await sharp(png).metadata()).isPalette).toBe(true);
    const reference = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: S });
    const a = await preprocessReferenceImage(opaque, { size: S });
    const b = await preprocessReferenceImage(cut, { size: S });
    expect(a.maskSource).toBe('built-in');
    expect(b.maskSource).toBe('alpha');
    expect(silhouetteIou(a.mask, reference.mask)).toBeGreaterThan(0.97);
    expect(silhouetteIou(b.mask, reference.mask)).toBeGreaterThan(0.97);
    expect(Math.abs(meanInside(b, (x) => x < S / 2 - 8)[0]! - 220 / 255)).toBeLessThan(0.05); // 8 palette colours
  });

  it('JPEG with EXIF orientation 6: turned upright before anything else', async () => {
    // Stored turned a quarter counter-clockwise (80×120); orientation 6 says "turn 90° clockwise to display".
    const stored = await raw(3).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([H, W, 6]);
    const r = await preprocessReferenceImage(stored, { size: 128 });
    expect(r.source).toEqual({ format: 'jpeg', width: W, height: H });
    // Upright: wider than tall, the red disc on the left, the blue bar on the right.
    expect(r.objectBox.width).toBeGreaterThan(r.objectBox.height);
    expect(meanInside(r, (x) => x < 48)[0]).toBeGreaterThan(0.7);
    expect(meanInside(r, (x) => x > 92)[2]).toBeGreaterThan(0.6);
    const unrotated = await preprocessReferenceImage(await raw(3).jpeg({ quality: 95 }).toBuffer(), { size: 128 });
    expect(silhouetteIou(r.mask, unrotated.mask)).toBeGreaterThan(0.9); // JPEG blocks fall differently on the turned image
  });

  it('WebP: lossless with alpha and lossy opaque', async () => {
    const cut = await preprocessReferenceImage(await raw(4).webp({ lossless: true }).toBuffer(), { size: S });
    expect(cut.source.format).toBe('webp');
    expect(cut.maskSource).toBe('alpha');
    const photo = await preprocessReferenceImage(await raw(3).webp({ quality: 90 }).toBuffer(), { size: S });
    expect(photo.maskSource).toBe('built-in');
    expect(silhouetteIou(photo.mask, cut.mask)).toBeGreaterThan(0.95);
  });

  it('the preview is the cut-out: an S×S RGBA PNG whose alpha is the mask', async () => {
    const r = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: S });
    const { data, info } = await sharp(r.previewPng).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([S, S, 4]);
    for (let p = 0; p < S * S; p++) expect(data[p * 4 + 3]).toBe(Math.round(r.mask[p]! * 255));
  });

  it('the prior background replaces white when given (the demo prior renders on grey)', async () => {
    const r = await preprocessReferenceImage(await raw(4).png().toBuffer(), { size: S, background: [0.72, 0.72, 0.72] });
    expect(r.image[0]).toBeCloseTo(0.72, 6);
  });
});

describe('reference images: what is refused', () => {
  it('an empty file', async () => {
    await expectInvalid(new Uint8Array(0), /is empty \(0 bytes\)/);
  });

  it('a file that is not an image', async () => {
    await expectInvalid(Buffer.from('name,age\nada,36\n'), /is not an image Kiln can read; choose a PNG, JPEG or WebP/);
  });

  it('an image format Kiln does not take', async () => {
    await expectInvalid(await raw(3).tiff().toBuffer(), /is a TIFF image; Kiln reads PNG, JPEG and WebP/);
  });

  it('truncated PNG, JPEG and WebP files', async () => {
    for (const file of [await raw(3).png().toBuffer(), await raw(3).jpeg().toBuffer(), await raw(3).webp().toBuffer()]) {
      await expectInvalid(file.subarray(0, Math.floor(file.length * 0.6)), /truncated or damaged|is damaged/);
    }
  });

  it('a corrupt PNG (its pixel data overwritten)', async () => {
    const png = Buffer.from(await raw(3).png().toBuffer());
    const idat = png.indexOf('IDAT');
    png.fill(0x5a, idat + 8, idat + 40);
    await expectInvalid(png, /truncated or damaged/);
  });

  it('a zero-size image', async () => {
    await expectInvalid(pngHeaderOnly(0, 0), /no pixels|is damaged/);
  });

  it('40 000 × 40 000 pixels: refused from the header, before decoding', async () => {
    const started = performance.now();
    await expectInvalid(pngHeaderOnly(40_000, 40_000), /is 40000 × 40000 pixels \(1600 megapixels\); Kiln reads images up to 100 megapixels/);
    expect(performance.now() - started).toBeLessThan(5000); // no 1.6-gigapixel decode behind it
  });

  it('nothing in the foreground: a fully transparent cut-out, a blank photo', async () => {
    const clear = await sharp({ create: { width: 50, height: 40, channels: 4, background: { r: 10, g: 200, b: 10, alpha: 0 } } }).png().toBuffer();
    await expectInvalid(clear, /nothing in the foreground — its alpha channel is transparent everywhere/);
    const blank = await sharp({ create: { width: 50, height: 40, channels: 3, background: { r: 250, g: 250, b: 250 } } }).jpeg().toBuffer();
    await expectInvalid(blank, /nothing in the foreground — no pixel differs from the border's colour by more than the foreground threshold \(0\.1\)/);
  });
});
