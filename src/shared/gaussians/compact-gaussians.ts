import { KilnError } from '../errors';
import { fromHalf, toHalf } from '../half-float';
import { allocateGaussians, groupWidths, MAX_SH_DEGREE, PARAM_GROUPS, type GaussianArrays, type ParamGroup } from './gaussian-layout';

/**
 * The compact snapshot payload of N Gaussians: the raw parameters of gaussian-layout.ts, each group stored with the
 * cheapest encoding that still renders identically (≥ 50 dB against fp32, see the tests), chosen per payload.
 *
 * Little-endian throughout:
 *   0  magic "KGSC"            4  u16 version (1)       6  u8 shDegreeMax       7  u8 group count (6)
 *   8  u32 Gaussian count
 *  12  6 × { u8 encoding, u8 width (floats per Gaussian), u16 0, u32 byte length }, in PARAM_GROUPS order
 *  60  the groups, each N×width row-major as in memory, each starting at a multiple of 4 bytes (zero padding)
 *
 * Encodings: f32 (exact); f16 (IEEE binary16: |error| ≤ |v|·2⁻¹¹ + 2⁻²⁵); q16 (per component c: f64 lo_c and f64
 * step_c, then u16 q with v ≈ lo_c + q·step_c: |error| ≤ step_c/2 ≤ COMPACT_MEAN_TOLERANCE_M).
 * Means use q16 over the payload's bounding box (fp16 would lose up to 0.5 mm at 1 m; q16 keeps ≤ 0.1 mm), or f32
 * when the box is too large for that; every other group uses f16, or f32 if a value exceeds fp16's range.
 */
export const COMPACT_GAUSSIANS_VERSION = 1;
/** The largest mean error q16 may introduce; a wider bounding box (> 13.1 m) stores means as f32. */
export const COMPACT_MEAN_TOLERANCE_M = 1e-4;

export type CompactEncoding = 'f32' | 'f16' | 'q16';
const ENCODING_IDS: Record<CompactEncoding, number> = { f32: 0, f16: 1, q16: 2 };
const ENCODING_NAMES: readonly CompactEncoding[] = ['f32', 'f16', 'q16'];

const MAGIC = [0x4b, 0x47, 0x53, 0x43]; // "KGSC"
const HEADER_BYTES = 12;
const GROUP_ENTRY_BYTES = 8;
const DATA_START = HEADER_BYTES + PARAM_GROUPS.length * GROUP_ENTRY_BYTES;
const HALF_MAX = 65504;
const Q16_LEVELS = 65535;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('compact Gaussian payloads assume a little-endian host');
}

export interface CompactGaussiansHeader {
  version: number;
  count: number;
  shDegreeMax: number;
  encodings: Record<ParamGroup, CompactEncoding>;
}

const align4 = (n: number) => (n + 3) & ~3;

function bodyBytes(encoding: CompactEncoding, count: number, width: number): number {
  if (encoding === 'f32') return 4 * count * width;
  if (encoding === 'f16') return 2 * count * width;
  return 16 * width + 2 * count * width;
}

interface Ranges {
  lo: number[];
  hi: number[];
}

/** Per component of an N×width group: its [min, max], or null if a value is not finite. */
function componentRanges(values: Float32Array, width: number): Ranges | null {
  const lo = new Array<number>(width).fill(Infinity);
  const hi = new Array<number>(width).fill(-Infinity);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) return null;
    const c = k % width;
    if (v < lo[c]!) lo[c] = v;
    if (v > hi[c]!) hi[c] = v;
  }
  return { lo, hi };
}

/** The encoding for one group, with the per-component ranges q16 quantises over. */
function chooseEncoding(group: ParamGroup, values: Float32Array, width: number): { encoding: CompactEncoding; ranges?: Ranges } {
  if (group === 'means') {
    const ranges = componentRanges(values, width);
    if (!ranges) return { encoding: 'f32' };
    if (values.length === 0) return { encoding: 'q16', ranges: { lo: ranges.lo.map(() => 0), hi: ranges.hi.map(() => 0) } };
    const fits = ranges.lo.every((lo, c) => (ranges.hi[c]! - lo) / Q16_LEVELS / 2 <= COMPACT_MEAN_TOLERANCE_M);
    return fits ? { encoding: 'q16', ranges } : { encoding: 'f32' };
  }
  for (let k = 0; k < values.length; k++) if (Math.abs(values[k]!) > HALF_MAX) return { encoding: 'f32' };
  return { encoding: 'f16' };
}

function writeQ16(values: Float32Array, width: number, { lo, hi }: Ranges, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, 16 * width);
  const step = hi.map((h, c) => (h - lo[c]!) / Q16_LEVELS);
  const inverse = step.map((s) => (s > 0 ? 1 / s : 0));
  for (let c = 0; c < width; c++) {
    view.setFloat64(16 * c, lo[c]!, true);
    view.setFloat64(16 * c + 8, step[c]!, true);
  }
  const q = new Uint16Array(out.buffer, out.byteOffset + offset + 16 * width, values.length);
  for (let k = 0; k < values.length; k++) {
    const c = k % width;
    q[k] = Math.min(Q16_LEVELS, Math.max(0, Math.round((values[k]! - lo[c]!) * inverse[c]!)));
  }
}

/** Encodes Gaussians (float32 groups of the layout in gaussian-layout.ts) to a compact snapshot payload. */
export function encodeCompactGaussians(g: GaussianArrays): Uint8Array {
  if (!Number.isInteger(g.shDegreeMax) || g.shDegreeMax < 0 || g.shDegreeMax > MAX_SH_DEGREE) {
    throw new Error(`shDegreeMax must be 0..${MAX_SH_DEGREE}, got ${g.shDegreeMax}`);
  }
  if (!Number.isInteger(g.count) || g.count < 0 || g.count > 0xffffffff) throw new Error(`invalid Gaussian count ${g.count}`);
  const widths = groupWidths(g.shDegreeMax);
  const plan = PARAM_GROUPS.map((group) => {
    const values = g[group];
    const width = widths[group];
    if (values.length !== g.count * width) {
      throw new Error(`${group} holds ${values.length} floats; ${g.count} Gaussians need ${g.count * width}`);
    }
    const { encoding, ranges } = chooseEncoding(group, values, width);
    return { group, values, width, encoding, ranges, bytes: bodyBytes(encoding, g.count, width) };
  });
  const total = plan.reduce((n, p) => n + align4(p.bytes), DATA_START);
  const out = new Uint8Array(total);
  const header = new DataView(out.buffer);
  out.set(MAGIC, 0);
  header.setUint16(4, COMPACT_GAUSSIANS_VERSION, true);
  header.setUint8(6, g.shDegreeMax);
  header.setUint8(7, PARAM_GROUPS.length);
  header.setUint32(8, g.count, true);
  let offset = DATA_START;
  plan.forEach((p, i) => {
    const entry = HEADER_BYTES + i * GROUP_ENTRY_BYTES;
    header.setUint8(entry, ENCODING_IDS[p.encoding]);
    header.setUint8(entry + 1, p.width);
    header.setUint32(entry + 4, p.bytes, true);
    if (p.encoding === 'f32') new Float32Array(out.buffer, offset, p.values.length).set(p.values);
    else if (p.encoding === 'f16') {
      const half = new Uint16Array(out.buffer, offset, p.values.length);
      for (let k = 0; k < p.values.length; k++) half[k] = toHalf(p.values[k]!);
    } else writeQ16(p.values, p.width, p.ranges!, out, offset);
    offset += align4(p.bytes);
  });
  return out;
}

function damaged(detail: string): KilnError {
  return new KilnError(
    'storage',
    `the Gaussian snapshot payload is damaged (${detail}); load another snapshot of the run, or discard the run if ` +
      'none loads',
  );
}

interface GroupEntry {
  encoding: CompactEncoding;
  width: number;
  offset: number;
  bytes: number;
}

function parse(bytes: Uint8Array): { header: CompactGaussiansHeader; groups: GroupEntry[] } {
  if (bytes.byteLength < HEADER_BYTES) throw damaged(`${bytes.byteLength} bytes is shorter than its header`);
  if (MAGIC.some((m, i) => bytes[i] !== m)) throw damaged('it does not start with "KGSC": not a Kiln Gaussian snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== COMPACT_GAUSSIANS_VERSION) {
    throw new KilnError(
      'storage',
      `the Gaussian snapshot payload has format version ${version}, this Kiln reads version ${COMPACT_GAUSSIANS_VERSION}; ` +
        'open it with the Kiln version that wrote it (or a newer one)',
    );
  }
  const shDegreeMax = view.getUint8(6);
  if (shDegreeMax > MAX_SH_DEGREE) throw damaged(`SH degree ${shDegreeMax} is above ${MAX_SH_DEGREE}`);
  const groupCount = view.getUint8(7);
  if (groupCount !== PARAM_GROUPS.length) throw damaged(`${groupCount} parameter groups instead of ${PARAM_GROUPS.length}`);
  if (bytes.byteLength < DATA_START) throw damaged(`${bytes.byteLength} bytes is shorter than its header`);
  const count = view.getUint32(8, true);
  const widths = groupWidths(shDegreeMax);
  const encodings = {} as Record<ParamGroup, CompactEncoding>;
  const groups: GroupEntry[] = [];
  let offset = DATA_START;
  PARAM_GROUPS.forEach((group, i) => {
    const entry = HEADER_BYTES + i * GROUP_ENTRY_BYTES;
    const encoding = ENCODING_NAMES[view.getUint8(entry)];
    if (!encoding) throw damaged(`${group} has unknown encoding ${view.getUint8(entry)}`);
    const width = view.getUint8(entry + 1);
    if (width !== widths[group]) throw damaged(`${group} has ${width} floats per Gaussian instead of ${widths[group]}`);
    const length = view.getUint32(entry + 4, true);
    if (length !== bodyBytes(encoding, count, width)) throw damaged(`${group} holds ${length} bytes, ${count} Gaussians need ${bodyBytes(encoding, count, width)}`);
    if (offset + length > bytes.byteLength) throw damaged(`truncated at ${bytes.byteLength} bytes inside ${group}`);
    encodings[group] = encoding;
    groups.push({ encoding, width, offset, bytes: length });
    offset += align4(length);
  });
  if (offset !== bytes.byteLength) throw damaged(`${bytes.byteLength - offset} bytes more than its groups need`);
  return { header: { version, count, shDegreeMax, encodings }, groups };
}

/** The payload's header (format version, count, SH degree and each group's encoding), validated against its size. */
export function readCompactGaussiansHeader(bytes: Uint8Array): CompactGaussiansHeader {
  return parse(bytes).header;
}

let halfTable: Float32Array | undefined;
/** binary16 bits → float32, for all 65536 patterns (256 KiB, built on first decode). */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = fromHalf(h);
  }
  return halfTable;
}

/** fp16 values at a 4-byte-aligned `start`; two per 32-bit load, which measured about a quarter faster than one. */
function readF16(buffer: ArrayBufferLike, start: number, out: Float32Array): void {
  const table = halfToFloatTable();
  const pairs = out.length >> 1;
  const words = new Uint32Array(buffer, start, pairs);
  for (let j = 0; j < pairs; j++) {
    const w = words[j]!;
    out[2 * j] = table[w & 0xffff]!;
    out[2 * j + 1] = table[w >>> 16]!;
  }
  if (out.length & 1) out[out.length - 1] = table[new Uint16Array(buffer, start + 4 * pairs, 1)[0]!]!;
}

function readQ16(bytes: Uint8Array, entry: GroupEntry, out: Float32Array, group: string): void {
  const { width, offset } = entry;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 16 * width);
  const lo: number[] = [];
  const step: number[] = [];
  for (let c = 0; c < width; c++) {
    lo.push(view.getFloat64(16 * c, true));
    step.push(view.getFloat64(16 * c + 8, true));
    if (!Number.isFinite(lo[c]!) || !Number.isFinite(step[c]!) || step[c]! < 0) throw damaged(`${group} has an invalid quantisation range`);
  }
  const q = new Uint16Array(bytes.buffer, bytes.byteOffset + offset + 16 * width, out.length);
  if (width === 3) {
    const [l0, l1, l2] = lo as [number, number, number];
    const [s0, s1, s2] = step as [number, number, number];
    for (let k = 0; k < out.length; k += 3) {
      out[k] = l0 + q[k]! * s0;
      out[k + 1] = l1 + q[k + 1]! * s1;
      out[k + 2] = l2 + q[k + 2]! * s2;
    }
  } else {
    for (let k = 0; k < out.length; k++) out[k] = lo[k % width]! + q[k]! * step[k % width]!;
  }
}

/**
 * Decodes a compact snapshot payload to float32 Gaussians. Anything that is not a whole, valid payload (wrong magic,
 * truncated, inconsistent sizes) throws a `storage` KilnError; values are not checked beyond their encoding.
 */
export function decodeCompactGaussians(input: Uint8Array): GaussianArrays {
  // Typed views need aligned offsets; a Buffer from a pool may start anywhere.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  const { header, groups } = parse(bytes);
  const g = allocateGaussians(header.count, header.shDegreeMax);
  PARAM_GROUPS.forEach((group, i) => {
    const entry = groups[i]!;
    const out = g[group];
    const start = bytes.byteOffset + entry.offset;
    if (entry.encoding === 'f32') out.set(new Float32Array(bytes.buffer, start, out.length));
    else if (entry.encoding === 'f16') readF16(bytes.buffer, start, out);
    else readQ16(bytes, entry, out, group);
  });
  return g;
}
