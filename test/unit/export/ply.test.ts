import {
  Column,
  DataTable,
  MemoryFileSystem,
  MemoryReadFileSystem,
  readPly,
  Transform,
  writeCompressedPly,
  writePly,
} from '@playcanvas/splat-transform';
import { describe, expect, it } from 'vitest';
import { gaussiansToInriaColumns, inriaPropertyNames } from '../../../src/core/export/ply/inria-columns';
import { convertPlyFrame, shRestSignsForHalfTurnX } from '../../../src/core/export/ply/ply-frame';
import { readInriaPly, readPlyVertices } from '../../../src/core/export/ply/ply-reader';
import { writeInriaPly } from '../../../src/core/export/ply/ply-writer';
import { PARAM_GROUPS, type GaussianArrays } from '../../../src/shared/gaussians/gaussian-layout';
import { quatToRotation } from '../../../src/core/scene/gaussians/quaternion';
import { evalShBasis, shCoeffCount } from '../../../src/core/scene/gaussians/spherical-harmonics';
import { KilnError } from '../../../src/shared/errors';
import { randomGaussians } from './random-gaussians';

function expectBitExact(a: GaussianArrays, b: GaussianArrays): void {
  expect(b.count).toBe(a.count);
  expect(b.shDegreeMax).toBe(a.shDegreeMax);
  for (const group of PARAM_GROUPS) {
    const x = a[group], y = b[group];
    expect(y.length, group).toBe(x.length);
    expect(Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(x.buffer, x.byteOffset, x.byteLength)), group).toBe(true);
  }
}

async function splatTransformRead(bytes: Uint8Array): Promise<DataTable> {
  const fs = new MemoryReadFileSystem();
  fs.set('in.ply', bytes);
  return readPly(await fs.createSource('in.ply'));
}

function column(table: DataTable, name: string): ArrayLike<number> {
  const c = table.getColumnByName(name);
  if (!c) throw new Error(`splat-transform's table has no column ${name}`);
  return c.data;
}

/** Covariance R·diag(e^{2s})·Rᵀ of Gaussian i, row-major. */
function covariance(g: GaussianArrays, i: number): number[] {
  const R = quatToRotation(g.quats[4 * i]!, g.quats[4 * i + 1]!, g.quats[4 * i + 2]!, g.quats[4 * i + 3]!);
  const s2 = [0, 1, 2].map((a) => Math.exp(2 * g.logScales[3 * i + a]!));
  const out: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out.push([0, 1, 2].reduce((sum, k) => sum + R[3 * r + k]! * s2[k]! * R[3 * c + k]!, 0));
  return out;
}

/** Colour channel c of Gaussian i seen along unit direction d (3DGS SH evaluation before the +0.5 and clamp). */
function shColour(g: GaussianArrays, i: number, c: number, d: [number, number, number]): number {
  const K = shCoeffCount(g.shDegreeMax);
  const basis = new Float64Array(K);
  evalShBasis(g.shDegreeMax, d[0], d[1], d[2], basis);
  let v = basis[0]! * g.shDc[3 * i + c]!;
  for (let k = 1; k < K; k++) v += basis[k]! * g.shRest[i * 3 * (K - 1) + c * (K - 1) + (k - 1)]!;
  return v;
}

describe('Inria PLY round trip', () => {
  for (const degree of [0, 1, 2, 3]) {
    it(`preserves every parameter bit for bit at SH degree ${degree}`, () => {
      const g = randomGaussians(257, degree, degree + 10);
      g.means[0] = 0; // signed zeros survive the frame's sign flips both ways
      g.shRest.fill(-0, 0, Math.min(2, g.shRest.length));
      const bytes = writeInriaPly(g);
      const back = readInriaPly(bytes);
      expectBitExact(g, back);
    });
  }

  it('writes the documented header: binary little-endian, float32 properties in Inria order', () => {
    const bytes = writeInriaPly(randomGaussians(3, 1));
    const text = new TextDecoder().decode(bytes.subarray(0, 2000));
    const header = text.slice(0, text.indexOf('end_header'));
    expect(header.startsWith('ply\nformat binary_little_endian 1.0\n')).toBe(true);
    expect(header).toContain('element vertex 3\n');
    const props = [...header.matchAll(/^property float (\S+)$/gm)].map((m) => m[1]);
    expect(props).toEqual(inriaPropertyNames(1));
    expect(props.slice(0, 9)).toEqual(['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2']);
    expect(props.slice(-8)).toEqual(['opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3']);
    expect(props.filter((p) => p!.startsWith('f_rest_'))).toHaveLength(9);
  });
});

describe('the PLY frame (half turn about X)', () => {
  it('puts Kiln\'s +Y (up) at the file\'s −y and +Z at −z, leaving x, scales and opacity', async () => {
    const g = randomGaussians(4, 0);
    g.means.set([0.1, 0.7, 0.3], 0);
    const table = await splatTransformRead(writeInriaPly(g));
    expect(column(table, 'x')[0]).toBeCloseTo(0.1, 6);
    expect(column(table, 'y')[0]).toBeCloseTo(-0.7, 6);
    expect(column(table, 'z')[0]).toBeCloseTo(-0.3, 6);
    expect(column(table, 'scale_1')[2]).toBe(g.logScales[7]);
    expect(column(table, 'opacity')[3]).toBe(g.opacityLogits[3]);
  });

  it('keeps each Gaussian\'s shape: the covariance turns with the frame (F·Σ·F)', () => {
    const g = randomGaussians(20, 0, 3);
    const p = convertPlyFrame(g);
    const F = [1, -1, -1];
    for (let i = 0; i < g.count; i++) {
      const a = covariance(g, i), b = covariance(p, i);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(b[3 * r + c]).toBeCloseTo(F[r]! * a[3 * r + c]! * F[c]!, 6);
    }
  });

  it('keeps view-dependent colour: SH seen along F·d in the file equals SH along d in Kiln (sign table vs the SH basis)', () => {
    const g = randomGaussians(5, 3, 4);
    const p = convertPlyFrame(g);
    for (const d of [[0.3, 0.5, -0.81], [-0.6, 0.2, 0.77], [0, 1, 0]] as [number, number, number][]) {
      const n = Math.hypot(...d);
      const u: [number, number, number] = [d[0] / n, d[1] / n, d[2] / n];
      for (let i = 0; i < g.count; i++)
        for (let c = 0; c < 3; c++) expect(shColour(p, i, c, [u[0], -u[1], -u[2]])).toBeCloseTo(shColour(g, i, c, u), 5);
    }
    expect([...shRestSignsForHalfTurnX(1)]).toEqual([-1, -1, 1]);
  });
});

describe('third-party reader: @playcanvas/splat-transform', () => {
  it('reads Kiln\'s PLY with the right count and values, and converts it to compressed PLY', async () => {
    const g = randomGaussians(300, 2, 7);
    const bytes = writeInriaPly(g);
    const table = await splatTransformRead(bytes);
    expect(table.numRows).toBe(300);
    for (const { name, values } of gaussiansToInriaColumns(g)) {
      if (name.startsWith('n')) continue; // splat-transform drops the unused normals
      expect(Float32Array.from(column(table, name)), name).toEqual(values);
    }
    const out = new MemoryFileSystem();
    await writeCompressedPly({ filename: 'out.compressed.ply', dataTable: table }, out);
    const compressed = out.results.get('out.compressed.ply')!;
    expect(compressed.byteLength).toBeLessThan(bytes.byteLength / 2);
    expect(() => readInriaPly(compressed)).toThrow(/compressed PLY .* convert it to a plain PLY/);
    const decoded = await splatTransformRead(compressed);
    expect(decoded.numRows).toBe(300);
    // Compressed PLY quantises positions to 11–10–11 bits inside 256-Gaussian chunks' bounds (spread ≤ 2 m).
    const x = column(decoded, 'x');
    const y = column(decoded, 'y');
    for (let i = 0; i < 300; i++) {
      const j = [...Array(300).keys()].find((k) => Math.abs(x[k]! - g.means[3 * i]!) < 2e-3 && Math.abs(y[k]! + g.means[3 * i + 1]!) < 2e-3);
      expect(j, `Gaussian ${i}`).toBeDefined();
    }
  });

  it('Kiln reads a PLY written by splat-transform: another property order, doubles, no normals, extra properties', async () => {
    const g = randomGaussians(64, 1, 9);
    const columns = gaussiansToInriaColumns(g).filter((c) => !['nx', 'ny', 'nz'].includes(c.name));
    const shuffled = [...columns.slice(12), new Column('segment', new Uint8Array(64).fill(7)), ...columns.slice(0, 12).reverse()];
    // Transform.PLY: the columns are already in the PLY file's frame (splat-transform would otherwise turn them).
    const table = new DataTable(
      shuffled.map((c) => (c instanceof Column ? c : c.name === 'opacity' ? new Column(c.name, Float64Array.from(c.values)) : new Column(c.name, c.values))),
      Transform.PLY,
    );
    const out = new MemoryFileSystem();
    await writePly({ filename: 'st.ply', plyData: { comments: ['from splat-transform'], elements: [{ name: 'vertex', dataTable: table }] } }, out);
    const bytes = out.results.get('st.ply')!;
    const header = new TextDecoder().decode(bytes.subarray(0, 1500));
    expect(header).toContain('property double opacity');
    expect(header).toContain('property uchar segment');
    expect(header).not.toContain('property float nx');
    expectBitExact(g, readInriaPly(bytes));
  });
});

/** A PLY header (and optional body) as bytes. */
function ply(headerLines: string[], body: Uint8Array | string = new Uint8Array()): Uint8Array {
  const head = new TextEncoder().encode(['ply', ...headerLines, 'end_header', ''].join('\n'));
  const tail = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const out = new Uint8Array(head.byteLength + tail.byteLength);
  out.set(head);
  out.set(tail, head.byteLength);
  return out;
}

const MINIMAL_PROPS = ['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];

describe('other PLY encodings', () => {
  it('reads ASCII and big-endian files with the same values as the binary little-endian one', () => {
    const g = randomGaussians(3, 0, 11);
    const cols = gaussiansToInriaColumns(g).filter((c) => MINIMAL_PROPS.includes(c.name));
    const order = [...cols].reverse();
    const props = order.map((c) => `property float ${c.name}`);
    const rows = [0, 1, 2].map((i) => order.map((c) => c.values[i]!.toPrecision(9)).join(' '));
    const ascii = ply(['format ascii 1.0', 'comment hand-written', 'element vertex 3', ...props], rows.join('\n') + '\n');
    const big = new DataView(new ArrayBuffer(3 * 4 * order.length));
    order.forEach((c, k) => [0, 1, 2].forEach((i) => big.setFloat32((i * order.length + k) * 4, c.values[i]!, false)));
    const bigEndian = ply(['format binary_big_endian 1.0', 'element vertex 3', ...props], new Uint8Array(big.buffer));
    expectBitExact(g, readInriaPly(ascii));
    expectBitExact(g, readInriaPly(bigEndian));
  });

  it('skips other elements, list properties included, before and after the vertices', () => {
    const g = randomGaussians(2, 0, 12);
    const cols = gaussiansToInriaColumns(g).filter((c) => MINIMAL_PROPS.includes(c.name));
    const vertexBytes = new DataView(new ArrayBuffer(2 * 4 * cols.length));
    cols.forEach((c, k) => [0, 1].forEach((i) => vertexBytes.setFloat32((i * cols.length + k) * 4, c.values[i]!, true)));
    // element "meta": 2 rows of (uchar list of ints, short) = [2, 5, 6, 9], [0, 4]
    const meta = new DataView(new ArrayBuffer(1 + 8 + 2 + 1 + 2));
    meta.setUint8(0, 2); meta.setInt32(1, 5, true); meta.setInt32(5, 6, true); meta.setInt16(9, 9, true);
    meta.setUint8(11, 0); meta.setInt16(12, 4, true);
    const body = new Uint8Array([...new Uint8Array(meta.buffer), ...new Uint8Array(vertexBytes.buffer), 1, 2, 3]);
    const bytes = ply(
      ['format binary_little_endian 1.0', 'element meta 2', 'property list uchar int ids', 'property short tag', 'element vertex 2',
        ...cols.map((c) => `property float ${c.name}`), 'element face 1', 'property list uchar int vertex_indices'],
      body,
    );
    expectBitExact(g, readInriaPly(bytes));
    expect(readPlyVertices(bytes).header.elements.map((e) => e.name)).toEqual(['meta', 'vertex', 'face']);
  });
});

describe('bad PLY files give a KilnError that says what is wrong', () => {
  const good = writeInriaPly(randomGaussians(10, 1));
  const cases: [string, Uint8Array, RegExp][] = [
    ['not a PLY', new TextEncoder().encode('solid cube\nfacet normal 0 0 1\n'), /not a PLY file/],
    ['an empty file', new Uint8Array(), /not a PLY file/],
    ['a header cut short', good.subarray(0, 200), /header is truncated/],
    ['a header over 1 MiB', new TextEncoder().encode('ply\nformat binary_little_endian 1.0\ncomment ' + 'x'.repeat(1_100_000) + '\n'), /does not end within 1024 KiB/],
    ['a body cut short', good.subarray(0, good.byteLength - 5), /truncated or corrupt: element "vertex" declares 10 rows/],
    ['a huge vertex count', ply(['format binary_little_endian 1.0', 'element vertex 900000000000', 'property float x']), /declares 900000000000 rows/],
    ['a non-numeric count', ply(['format binary_little_endian 1.0', 'element vertex -3', 'property float x']), /whole-number count/],
    ['an unknown format', ply(['format binary_middle_endian 1.0', 'element vertex 0']), /format "binary_middle_endian" is unknown/],
    ['no format line', ply(['element vertex 0']), /no "format" line/],
    ['an unknown type', ply(['format ascii 1.0', 'element vertex 1', 'property float16 x']), /unknown property type "float16"/],
    ['a property before any element', ply(['format ascii 1.0', 'property float x']), /before any "element"/],
    ['an unknown keyword', ply(['format ascii 1.0', 'elemnt vertex 1']), /unknown keyword "elemnt"/],
    ['a property-less element with a huge count', ply(['format ascii 1.0', 'element junk 9007199254740991', 'element vertex 0', ...MINIMAL_PROPS.map((p) => `property float ${p}`), 'property float f_rest_0']), /1 f_rest_\* properties/],
    ['no vertex element', ply(['format ascii 1.0', 'element face 0', 'property list uchar int vertex_indices']), /no "vertex" element/],
    ['a point cloud, not Gaussians', ply(['format ascii 1.0', 'element vertex 1', 'property float x', 'property float y', 'property float z'], '1 2 3\n'), /lack f_dc_0, f_dc_1, f_dc_2, opacity/],
    ['a wrong f_rest count', ply(['format ascii 1.0', 'element vertex 0', ...MINIMAL_PROPS.map((p) => `property float ${p}`), ...[0, 1, 2, 3, 4].map((k) => `property float f_rest_${k}`)]), /5 f_rest_\* properties/],
    ['ASCII text that is not a number', ply(['format ascii 1.0', 'element vertex 1', ...MINIMAL_PROPS.map((p) => `property float ${p}`)], `1 2 abc ${'0.5 '.repeat(11)}\n`), /"abc" in row 0/],
    ['ASCII rows missing', ply(['format ascii 1.0', 'element vertex 2', ...MINIMAL_PROPS.map((p) => `property float ${p}`)], MINIMAL_PROPS.map(() => '0.000000').join(' ') + '\n'), /ends in row 1 of 2/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      let error: unknown;
      try {
        readInriaPly(bytes);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(KilnError);
      expect((error as KilnError).code).toBe('invalid-request');
      expect((error as KilnError).message).toMatch(message);
    });
  }
});
