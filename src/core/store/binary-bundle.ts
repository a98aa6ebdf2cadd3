import { KilnError } from '../../shared/errors';

const MAGIC = 0x444e424b; // "KBND" little-endian
const VERSION = 1;

interface ArrayEntry {
  name: string;
  offset: number;
  length: number;
}

/**
 * A small container for JSON metadata plus named Float32Arrays (checkpoints): header (magic, version, JSON length),
 * the JSON, then each array 4-byte aligned. Exact: floats are stored bit for bit.
 */
export function encodeBundle(meta: unknown, arrays: Readonly<Record<string, Float32Array>>): Uint8Array[] {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries.push({ name, offset, length: array.length });
    offset += array.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify({ meta, arrays: entries }));
  const padded = (json.length + 3) & ~3;
  const header = new Uint8Array(12 + padded).fill(0x20, 12 + json.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  header.set(json, 12);
  return [header, ...Object.values(arrays).map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
}

export function decodeBundle(bytes: Uint8Array): { meta: unknown; arrays: Record<string, Float32Array> } {
  const fail = (why: string) => new KilnError('storage', `a checkpoint is damaged (${why}); resume from an earlier run or start again`);
  if (bytes.byteLength < 12) throw fail('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw fail('not a Kiln checkpoint');
  if (view.getUint32(4, true) !== VERSION) throw fail(`version ${view.getUint32(4, true)} is not ${VERSION}`);
  const jsonLength = view.getUint32(8, true);
  const dataStart = 12 + ((jsonLength + 3) & ~3);
  if (dataStart > bytes.byteLength) throw fail('truncated header');
  let parsed: { meta: unknown; arrays: ArrayEntry[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))) as typeof parsed;
  } catch {
    throw fail('unreadable header');
  }
  // Copy into an aligned buffer so every Float32Array view is valid whatever the source's alignment.
  const data = new Uint8Array(bytes.byteLength - dataStart);
  data.set(bytes.subarray(dataStart));
  const arrays: Record<string, Float32Array> = {};
  for (const e of parsed.arrays) {
    if (e.offset % 4 !== 0 || e.offset + 4 * e.length > data.byteLength) throw fail(`array ${e.name} is truncated`);
    arrays[e.name] = new Float32Array(data.buffer, e.offset, e.length);
  }
  return { meta: parsed.meta, arrays };
}
