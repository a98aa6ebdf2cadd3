import { describe, expect, it } from 'vitest';
import { classicalForeground } from '../../../src/core/image/reference/classical-foreground';
import type { DecodedImage } from '../../../src/core/image/reference/decode-reference-image';
import { ReferenceImageSettings } from '../../../src/shared/reference-image-settings';

const W = 100;
const H = 100;
const GREY = [0.7, 0.7, 0.7];

/** An opaque image painted by `colour(x, y)` (RGB in [0, 1]). */
function image(colour: (x: number, y: number) => readonly number[]): DecodedImage {
  const rgba = new Uint16Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [r, g, b] = colour(x, y);
      rgba.set([r!, g!, b!, 1].map((v) => Math.round(v * 65535)), (y * W + x) * 4);
    }
  }
  return { format: 'png', sourceWidth: W, sourceHeight: H, width: W, height: H, rgba, hasRealAlpha: false };
}

const settings = ReferenceImageSettings.parse({});
const at = (mask: Float32Array, x: number, y: number) => mask[y * W + x];
const ring = (x: number, y: number, r0: number, r1: number) => {
  const d = Math.hypot(x - 50, y - 50);
  return d >= r0 && d <= r1;
};

describe('built-in segmentation', () => {
  it('keeps the largest piece, drops specks, estimates the background from the border', () => {
    const mask = classicalForeground(image((x, y) => (x >= 30 && x < 70 && y >= 30 && y < 70 ? [0.2, 0.3, 0.9] : x >= 5 && x < 8 && y >= 5 && y < 8 ? [0, 0, 0] : GREY)), settings).mask;
    expect(at(mask, 50, 50)).toBe(1);
    expect(at(mask, 30, 30)).toBe(1);
    expect(at(mask, 29, 50)).toBe(0);
    expect(at(mask, 6, 6)).toBe(0); // a speck, not the object
    expect(mask.reduce((a, b) => a + b, 0)).toBe(40 * 40);
  });

  it('the threshold is an RGB distance from the background colour', () => {
    const faint = image((x, y) => (x >= 30 && x < 70 && y >= 30 && y < 70 ? [0.7 + 0.06, 0.7 + 0.06, 0.7] : GREY)); // distance 0.085
    expect(classicalForeground(faint, settings).mask[50 * W + 50]).toBe(0);
    expect(classicalForeground(faint, ReferenceImageSettings.parse({ foregroundThreshold: 0.08 })).mask[50 * W + 50]).toBe(1);
  });

  it('fills small enclosed background-coloured patches, keeps large holes open (a ring stays a ring)', () => {
    const mask = classicalForeground(image((x, y) => (ring(x, y, 15, 35) ? [0.9, 0.2, 0.1] : GREY)), settings).mask;
    expect(at(mask, 50, 50)).toBe(0); // the ring's hole: ~700 px, far above 1 % of the ring's area
    expect(at(mask, 75, 50)).toBe(1);
    const highlight = classicalForeground(image((x, y) => (x >= 50 && x < 53 && y >= 50 && y < 53 ? GREY : ring(x, y, 0, 35) ? [0.9, 0.2, 0.1] : GREY)), settings).mask;
    expect(at(highlight, 51, 51)).toBe(1); // 9 px inside a ~3800 px disc: filled
  });

  it('the outline gets a soft alpha: a pixel half object, half backdrop is 0.5', () => {
    const object = [0.1, 0.2, 0.9];
    const mix = object.map((v, c) => 0.5 * v + 0.5 * GREY[c]!);
    const mask = classicalForeground(image((x, y) => (y < 30 || y >= 70 ? GREY : x < 40 ? GREY : x === 40 ? mix : object)), settings).mask;
    expect(at(mask, 40, 50)).toBeCloseTo(0.5, 3);
    expect(at(mask, 41, 50)).toBe(1);
    expect(at(mask, 39, 50)).toBe(0);
  });

  it('warns always, and more when the border is busy or the object touches the edge', () => {
    const clean = classicalForeground(image((x, y) => (ring(x, y, 0, 30) ? [0.1, 0.1, 0.1] : GREY)), settings);
    expect(clean.warnings).toHaveLength(1);
    expect(clean.warnings[0]).toMatch(/No segmentation model pack is installed/);
    const busy = classicalForeground(image((x, y) => ((x + y) % 2 === 0 ? [0, 0, 0] : [1, 1, 1])), settings);
    expect(busy.warnings.join(' ')).toMatch(/border is not a plain background/);
    const cut = classicalForeground(image((x, y) => (x >= 60 && y >= 30 && y < 70 ? [0.1, 0.1, 0.1] : GREY)), settings);
    expect(cut.warnings.join(' ')).toMatch(/touches the edge/);
  });
});
