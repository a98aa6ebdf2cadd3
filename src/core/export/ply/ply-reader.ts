import { readFileSync } from 'node:fs';
import { KilnError } from '../../../shared/errors';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { gaussiansFromInriaColumns } from './inria-columns';
import { parsePlyHeader, PLY_TYPE_BYTES, type PlyElement, type PlyHeader, type PlyScalarType } from './ply-header';

/** The scalar properties of a PLY's "vertex" element, each as a column of floats. */
export interface PlyVertices {
  header: PlyHeader;
  count: number;
  columns: Map<string, Float32Array>;
}

function truncated(what: string): KilnError {
  return new KilnError('invalid-request', `the PLY file is truncated or corrupt: ${what}. Export it again, or check that the copy is complete.`);
}

function readScalar(view: DataView, offset: number, type: PlyScalarType, little: boolean): number {
  switch (type) {
    case 'int8': return view.getInt8(offset);
    case 'uint8': return view.getUint8(offset);
    case 'int16': return view.getInt16(offset, little);
    case 'uint16': return view.getUint16(offset, little);
    case 'int32': return view.getInt32(offset, little);
    case 'uint32': return view.getUint32(offset, little);
    case 'float32': return view.getFloat32(offset, little);
    case 'float64': return view.getFloat64(offset, little);
  }
}

/** The smallest number of bytes one row of `element` can take (lists counted as empty). */
function minimumRowBytes(element: PlyElement): number {
  return element.properties.reduce((sum, p) => sum + PLY_TYPE_BYTES[p.kind === 'list' ? p.countType : p.type], 0);
}

function allocateColumns(element: PlyElement): Map<string, Float32Array> {
  const columns = new Map<string, Float32Array>();
  for (const p of element.properties) if (p.kind === 'scalar') columns.set(p.name, new Float32Array(element.count));
  return columns;
}

/** Walks the binary body element by element; fills the vertex columns and skips everything else. */
function readBinaryVertices(bytes: Uint8Array, header: PlyHeader, vertex: PlyElement): Map<string, Float32Array> {
  const little = header.format === 'binary_little_endian';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = header.byteLength;
  for (const element of header.elements) {
    const isVertex = element === vertex;
    // Checked before allocating, so a header claiming billions of rows fails here rather than in the allocator.
    if (element.count * minimumRowBytes(element) > bytes.byteLength - offset) {
      throw truncated(`element "${element.name}" declares ${element.count} rows, more than the ${bytes.byteLength - offset} bytes left can hold`);
    }
    const columns = isVertex ? allocateColumns(element) : undefined;
    const targets = element.properties.map((p) => (p.kind === 'scalar' ? columns?.get(p.name) : undefined));
    if (!element.properties.some((p) => p.kind === 'list')) {
      // Fixed-size rows (every Gaussian PLY): read each wanted column with a stride.
      const stride = minimumRowBytes(element);
      let propertyOffset = offset;
      element.properties.forEach((p, k) => {
        const target = targets[k];
        if (p.kind !== 'scalar') return;
        if (target) for (let row = 0; row < element.count; row++) target[row] = readScalar(view, propertyOffset + row * stride, p.type, little);
        propertyOffset += PLY_TYPE_BYTES[p.type];
      });
      offset += element.count * stride;
    } else {
      for (let row = 0; row < element.count; row++) {
        element.properties.forEach((p, k) => {
          if (p.kind === 'scalar') {
            if (offset + PLY_TYPE_BYTES[p.type] > bytes.byteLength) throw truncated(`element "${element.name}" ends inside row ${row}`);
            const target = targets[k];
            if (target) target[row] = readScalar(view, offset, p.type, little);
            offset += PLY_TYPE_BYTES[p.type];
            return;
          }
          const countBytes = PLY_TYPE_BYTES[p.countType];
          if (offset + countBytes > bytes.byteLength) throw truncated(`element "${element.name}" ends inside row ${row}`);
          const items = readScalar(view, offset, p.countType, little);
          if (items < 0) throw truncated(`list "${p.name}" of element "${element.name}" has a negative length in row ${row}`);
          offset += countBytes + items * PLY_TYPE_BYTES[p.itemType];
        });
      }
      if (offset > bytes.byteLength) throw truncated(`element "${element.name}" ends inside its last row`);
    }
    if (isVertex) return columns!;
  }
  throw new Error('unreachable: the vertex element is one of the header elements');
}

/** Reads the ASCII body as a stream of whitespace-separated numbers, element by element. */
function readAsciiVertices(bytes: Uint8Array, header: PlyHeader, vertex: PlyElement): Map<string, Float32Array> {
  const text = new TextDecoder('latin1').decode(bytes.subarray(header.byteLength));
  const tokens = /\S+/g;
  const next = (element: PlyElement, row: number): number => {
    const match = tokens.exec(text);
    if (!match) throw truncated(`element "${element.name}" ends in row ${row} of ${element.count}`);
    const value = Number(match[0]);
    if (Number.isNaN(value) && match[0].toLowerCase() !== 'nan') throw truncated(`"${match[0]}" in row ${row} of element "${element.name}" is not a number`);
    return value;
  };
  for (const element of header.elements) {
    // Every value takes at least two characters (a digit and a separator).
    if (element.count * element.properties.length > text.length / 2 + 1) {
      throw truncated(`element "${element.name}" declares ${element.count} rows, more than the file's text can hold`);
    }
    const columns = element === vertex ? allocateColumns(element) : undefined;
    const targets = element.properties.map((p) => (p.kind === 'scalar' ? columns?.get(p.name) : undefined));
    // An element without properties has no text to read, however many rows it claims.
    for (let row = 0; row < (element.properties.length > 0 ? element.count : 0); row++) {
      for (let k = 0; k < element.properties.length; k++) {
        const p = element.properties[k]!;
        if (p.kind === 'scalar') {
          const value = next(element, row);
          const target = targets[k];
          if (target) target[row] = value;
        } else {
          const items = next(element, row);
          for (let j = 0; j < items; j++) next(element, row);
        }
      }
    }
    if (columns) return columns;
  }
  throw new Error('unreachable: the vertex element is one of the header elements');
}

/** Parses a PLY file (binary either endianness, or ASCII) and returns its vertex element's scalar properties. */
export function readPlyVertices(bytes: Uint8Array): PlyVertices {
  const header = parsePlyHeader(bytes);
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw new KilnError('invalid-request', 'the PLY file has no "vertex" element, so it holds no points or Gaussians.');
  const columns = header.format === 'ascii' ? readAsciiVertices(bytes, header, vertex) : readBinaryVertices(bytes, header, vertex);
  return { header, count: vertex.count, columns };
}

/** Reads an Inria 3DGS PLY (from Kiln or any trainer/tool) into Kiln's Gaussians, in Kiln's world frame. */
export function readInriaPly(bytes: Uint8Array): GaussianArrays {
  const { columns, count } = readPlyVertices(bytes);
  if (columns.has('packed_position')) {
    throw new KilnError(
      'invalid-request',
      'this is a compressed PLY (SuperSplat/PlayCanvas packed layout), not the Inria layout; convert it to a plain PLY first, e.g. `npx @playcanvas/splat-transform in.compressed.ply out.ply`.',
    );
  }
  return gaussiansFromInriaColumns(columns, count);
}

/** readInriaPly for a file on disk, with a plain-words error when it cannot be read. */
export function readInriaPlyFile(path: string): GaussianArrays {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KilnError(code === 'ENOENT' ? 'not-found' : 'invalid-request', `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return readInriaPly(bytes);
}
