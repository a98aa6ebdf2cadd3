import { KilnError } from '../../../shared/errors';

/** PLY scalar types by every name the format allows, with their byte size. */
export const PLY_SCALAR_TYPES = {
  char: 'int8', int8: 'int8',
  uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16',
  ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32',
  uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32',
  double: 'float64', float64: 'float64',
} as const;
export type PlyScalarType = (typeof PLY_SCALAR_TYPES)[keyof typeof PLY_SCALAR_TYPES];

export const PLY_TYPE_BYTES: Record<PlyScalarType, number> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};

export type PlyProperty =
  | { kind: 'scalar'; name: string; type: PlyScalarType }
  | { kind: 'list'; name: string; countType: PlyScalarType; itemType: PlyScalarType };

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

export interface PlyHeader {
  format: PlyFormat;
  elements: PlyElement[];
  comments: string[];
  /** Bytes from the file's start to the first data byte (just after "end_header" and its line break). */
  byteLength: number;
}

/** Headers are a few KiB; anything without "end_header" in the first MiB is not a PLY Kiln can read. */
export const MAX_PLY_HEADER_BYTES = 1 << 20;

function invalid(message: string): KilnError {
  return new KilnError('invalid-request', `${message}. Check that the file is a complete PLY, or export it again.`);
}

/** Offset just past "end_header\n" (or "\r\n"), searching only the first MAX_PLY_HEADER_BYTES. */
function findHeaderEnd(bytes: Uint8Array): number {
  const marker = new TextEncoder().encode('end_header');
  const limit = Math.min(bytes.byteLength, MAX_PLY_HEADER_BYTES);
  outer: for (let i = 0; i + marker.length <= limit; i++) {
    for (let j = 0; j < marker.length; j++) if (bytes[i + j] !== marker[j]) continue outer;
    if (i > 0 && bytes[i - 1] !== 0x0a) continue;
    let end = i + marker.length;
    if (bytes[end] === 0x0d) end++;
    if (bytes[end] === 0x0a) return end + 1;
  }
  if (bytes.byteLength > MAX_PLY_HEADER_BYTES) throw invalid(`the PLY header does not end within ${MAX_PLY_HEADER_BYTES / 1024} KiB (no "end_header" line)`);
  throw invalid('the PLY header is truncated: it has no "end_header" line');
}

function scalarType(token: string | undefined, line: string): PlyScalarType {
  const type = token === undefined ? undefined : PLY_SCALAR_TYPES[token as keyof typeof PLY_SCALAR_TYPES];
  if (!type) throw invalid(`the PLY header line "${line}" names the unknown property type "${token ?? ''}" (PLY types: char uchar short ushort int uint float double)`);
  return type;
}

/** Parses and validates a PLY header (any element and property order; comment and obj_info lines kept/ignored). */
export function parsePlyHeader(bytes: Uint8Array): PlyHeader {
  const start = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.byteLength, 4)));
  if (!/^ply\r?\n/.test(start)) throw invalid('this is not a PLY file (it does not start with the line "ply")');
  const byteLength = findHeaderEnd(bytes);
  const lines = new TextDecoder('latin1').decode(bytes.subarray(0, byteLength)).split(/\r?\n/).slice(1, -2);
  let format: PlyFormat | undefined;
  const elements: PlyElement[] = [];
  const comments: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const [keyword, ...rest] = line.split(/\s+/);
    if (line === '' || keyword === 'obj_info') continue;
    if (keyword === 'comment') {
      comments.push(line.slice('comment'.length).trim());
    } else if (keyword === 'format') {
      if (format) throw invalid('the PLY header has two "format" lines');
      const [name, version] = rest;
      if (name !== 'ascii' && name !== 'binary_little_endian' && name !== 'binary_big_endian') {
        throw invalid(`the PLY format "${name ?? ''}" is unknown (expected ascii, binary_little_endian or binary_big_endian)`);
      }
      if (version !== '1.0') throw invalid(`the PLY format version "${version ?? ''}" is not supported (only 1.0 exists)`);
      format = name;
    } else if (keyword === 'element') {
      const [name, countText] = rest;
      if (!name || !countText || !/^\d+$/.test(countText) || !Number.isSafeInteger(Number(countText))) {
        throw invalid(`the PLY header line "${line}" is not "element NAME COUNT" with a whole-number count`);
      }
      if (elements.some((e) => e.name === name)) throw invalid(`the PLY header declares element "${name}" twice`);
      elements.push({ name, count: Number(countText), properties: [] });
    } else if (keyword === 'property') {
      const element = elements.at(-1);
      if (!element) throw invalid(`the PLY header line "${line}" comes before any "element" line`);
      const property: PlyProperty =
        rest[0] === 'list'
          ? { kind: 'list', countType: scalarType(rest[1], line), itemType: scalarType(rest[2], line), name: rest[3] ?? '' }
          : { kind: 'scalar', type: scalarType(rest[0], line), name: rest[1] ?? '' };
      if (property.name === '' || rest.length !== (property.kind === 'list' ? 4 : 2)) {
        throw invalid(`the PLY header line "${line}" is not "property TYPE NAME" or "property list COUNT_TYPE ITEM_TYPE NAME"`);
      }
      if (property.kind === 'list' && (property.countType === 'float32' || property.countType === 'float64')) {
        throw invalid(`the PLY header line "${line}" gives a list a floating-point count type`);
      }
      if (element.properties.some((p) => p.name === property.name)) {
        throw invalid(`the PLY element "${element.name}" declares property "${property.name}" twice`);
      }
      element.properties.push(property);
    } else {
      throw invalid(`the PLY header line "${line}" starts with the unknown keyword "${keyword}"`);
    }
  }
  if (!format) throw invalid('the PLY header has no "format" line');
  return { format, elements, comments, byteLength };
}
