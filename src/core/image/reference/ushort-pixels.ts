/** sharp's `raw({ depth: 'ushort' })` output as 16-bit values (a view when aligned, else a copy). */
export function ushortPixels(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  return new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}
