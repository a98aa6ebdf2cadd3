/**
 * Float32Arrays in JSON method state: base64 of the array's bytes (little-endian, as every platform Kiln runs on
 * stores them) — a quarter the size of a number list and exact, including −0, NaN payloads and denormals.
 */
export function float32ToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The inverse of float32ToBase64; a fresh, aligned array. Throws when the text does not hold whole float32 values. */
export function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error(`float32FromBase64: ${bytes.length} bytes is not a whole number of float32 values`);
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
