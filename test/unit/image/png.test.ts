import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePngRgb } from '../../../src/core/image/png';

describe('PNG encoder', () => {
  it('round-trips through a real decoder (sharp/libpng)', async () => {
    const px = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const { data, info } = await sharp(encodePngRgb(px, 5, 3)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([5, 3, 3]);
    expect(Array.from(data)).toEqual(Array.from(px));
  });
});
