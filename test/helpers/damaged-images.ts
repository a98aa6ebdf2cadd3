import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk } from '../../src/core/image/png';

/** A PNG whose header claims width × height, with a one-byte IDAT (nothing decodable behind it). */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(1))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The images users feed that Kiln must refuse, each with the message it must give (docs/reference-images.md). */
export async function damagedImages(): Promise<{ name: string; bytes: Buffer; message: RegExp }[]> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 30 } } })
    .extend({ top: 8, bottom: 8, left: 8, right: 8, background: { r: 240, g: 240, b: 240 } })
    .png()
    .toBuffer();
  const corrupt = Buffer.from(photo);
  const idat = corrupt.indexOf('IDAT');
  corrupt.fill(0x5a, idat + 8, idat + 40);
  const clear = await sharp({ create: { width: 50, height: 40, channels: 4, background: { r: 10, g: 200, b: 10, alpha: 0 } } }).png().toBuffer();
  return [
    { name: 'empty.png', bytes: Buffer.alloc(0), message: /is empty \(0 bytes\)/ },
    { name: 'notes.png', bytes: Buffer.from('name,age\nada,36\n'), message: /is not an image Kiln can read/ },
    { name: 'truncated.png', bytes: photo.subarray(0, Math.floor(photo.length * 0.6)), message: /truncated or damaged|is damaged/ },
    { name: 'corrupt.png', bytes: corrupt, message: /truncated or damaged/ },
    { name: 'zero.png', bytes: pngHeaderOnly(0, 0), message: /no pixels|is damaged/ },
    { name: 'huge.png', bytes: pngHeaderOnly(40_000, 40_000), message: /is 40000 × 40000 pixels/ },
    { name: 'clear.png', bytes: clear, message: /has nothing in the foreground/ },
  ];
}
