import { describe, expect, it } from 'vitest';
import { expectKilnError } from '../../helpers/expect-kiln-error';
import { Rng } from '../../../src/core/random/rng';
import { GaussianRasterizer } from '../../../src/core/render/gaussian-rasterizer';
import { toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import {
  COMPACT_MEAN_TOLERANCE_M,
  decodeCompactGaussians,
  encodeCompactGaussians,
  readCompactGaussiansHeader,
} from '../../../src/shared/gaussians/compact-gaussians';
import { PARAM_GROUPS, type GaussianArrays } from '../../../src/shared/gaussians/gaussian-layout';
import { syntheticObject } from '../../../src/core/scene/gaussians/synthetic-object';
import { psnr } from '../../../src/core/scene/gaussians/photometric-fit';
import { KilnError } from '../../../src/shared/errors';

const SIZE = 256;
const VIEWS = [0, 1, 2, 3, 4].map((k) =>
  toKernelCamera(orbitCamera({ radiusM: 2.2, elevationDeg: -30 + 17 * k, azimuthDeg: 25 + 72 * k }, { fovYDeg: 50, width: SIZE, height: SIZE })),
);

/** Per-view renders, copied out of the rasterizer's reused buffers. */
function renderViews(raster: GaussianRasterizer, g: GaussianArrays): Float32Array[] {
  const rgb = raster.forward(g, VIEWS, { shDegree: g.shDegreeMax, background: [1, 1, 1] }).rgb;
  const plane = 3 * SIZE * SIZE;
  return VIEWS.map((_, v) => rgb.slice(v * plane, (v + 1) * plane));
}

/** Bit-for-bit equality (NaN included), without a generic deep-equal over millions of elements. */
function expectSameFloats(a: Float32Array, b: Float32Array, label: string): void {
  expect(b.length, label).toBe(a.length);
  expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)), label).toBe(0);
}

/** The stated tolerances: q16 means ≤ COMPACT_MEAN_TOLERANCE_M; fp16 groups ≤ |v|·2⁻¹¹ + 2⁻²⁵; f32 exact. */
function expectWithinTolerance(original: GaussianArrays, decoded: GaussianArrays, bytes = encodeCompactGaussians(original)): void {
  const encodings = readCompactGaussiansHeader(bytes).encodings;
  for (const group of PARAM_GROUPS) {
    const a = original[group];
    const b = decoded[group];
    expect(b.length, group).toBe(a.length);
    let worst = 0;
    for (let k = 0; k < a.length; k++) {
      const v = a[k]!;
      const allowed =
        encodings[group] === 'q16' ? COMPACT_MEAN_TOLERANCE_M + Math.abs(v) * 2 ** -23
        : encodings[group] === 'f16' ? Math.abs(v) * 2 ** -11 + 2 ** -25
        : 0;
      if (Number.isNaN(v)) expect(Number.isNaN(b[k]!), group).toBe(true);
      else worst = Math.max(worst, Math.abs(b[k]! - v) - allowed);
    }
    expect(worst, `${group} (${encodings[group]}) exceeds its tolerance by`).toBeLessThanOrEqual(0);
  }
}

/** Decoding either succeeds with well-formed arrays or throws a storage KilnError — nothing else. */
function decodeOrStorageError(bytes: Uint8Array): void {
  let g: GaussianArrays;
  try {
    g = decodeCompactGaussians(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('storage');
    return;
  }
  expect(g.means.length).toBe(3 * g.count);
}

describe('compact Gaussian snapshot payload', () => {
  const raster = new GaussianRasterizer(2);

  for (const shDegreeMax of [0, 1, 2, 3]) {
    it(`renders like the fp32 original (≥ 50 dB in every view at 256²) and keeps every parameter within tolerance, SH degree ${shDegreeMax}`, () => {
      const g = syntheticObject(20_000, shDegreeMax, 11 + shDegreeMax);
      const bytes = encodeCompactGaussians(g);
      const header = readCompactGaussiansHeader(bytes);
      expect(header).toEqual({
        version: 1,
        count: 20_000,
        shDegreeMax,
        encodings: { means: 'q16', logScales: 'f16', quats: 'f16', opacityLogits: 'f16', shDc: 'f16', shRest: 'f16' },
      });
      const fp32Bytes = 4 * PARAM_GROUPS.reduce((n, group) => n + g[group].length, 0);
      expect(bytes.byteLength).toBeLessThan(0.51 * fp32Bytes);

      const decoded = decodeCompactGaussians(bytes);
      expect(decoded.count).toBe(g.count);
      expect(decoded.shDegreeMax).toBe(shDegreeMax);
      expectWithinTolerance(g, decoded, bytes);

      const before = renderViews(raster, g);
      const after = renderViews(raster, decoded);
      before.forEach((image, v) => {
        // The views must show the object, not just background, for the PSNR to mean anything.
        let covered = 0;
        for (const x of image) if (x < 0.9) covered++;
        expect(covered, `view ${v} coverage`).toBeGreaterThan(0.2 * image.length);
        expect(psnr(image, after[v]!), `view ${v} PSNR`).toBeGreaterThanOrEqual(50);
      });
      // Decoded values survive another encode exactly: a branch started from a snapshot does not drift.
      const again = decodeCompactGaussians(encodeCompactGaussians(decoded));
      for (const group of PARAM_GROUPS) expectSameFloats(again[group], decoded[group], group);
    });
  }

  it('encodes the same Gaussians to the same bytes (snapshots are content-addressed)', () => {
    const a = encodeCompactGaussians(syntheticObject(500, 1, 3));
    const b = encodeCompactGaussians(syntheticObject(500, 1, 3));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  });

  it('falls back to exact fp32 where q16 or fp16 would not hold: a huge bounding box, a value beyond fp16, NaN', () => {
    const g = syntheticObject(200, 2, 5);
    g.means[3 * 17] = 40; // one Gaussian 40 m away: q16 steps would be 0.6 mm
    g.shRest[33] = 1e5;
    g.logScales[4] = NaN;
    const bytes = encodeCompactGaussians(g);
    expect(readCompactGaussiansHeader(bytes).encodings).toMatchObject({ means: 'f32', shRest: 'f32', logScales: 'f16', quats: 'f16' });
    const d = decodeCompactGaussians(bytes);
    expectSameFloats(d.means, g.means, 'means');
    expectSameFloats(d.shRest, g.shRest, 'shRest');
    expectWithinTolerance(g, d, bytes);

    const nan = syntheticObject(10, 0, 6);
    nan.means[4] = NaN;
    expect(readCompactGaussiansHeader(encodeCompactGaussians(nan)).encodings.means).toBe('f32');
    expectWithinTolerance(nan, decodeCompactGaussians(encodeCompactGaussians(nan)));
  });

  it('round-trips zero Gaussians, one Gaussian and a flat bounding box exactly where it can', () => {
    const empty = decodeCompactGaussians(encodeCompactGaussians(syntheticObject(0, 3, 1)));
    expect(empty.count).toBe(0);
    expect(empty.shRest.length).toBe(0);
    const one = syntheticObject(1, 1, 2);
    const d = decodeCompactGaussians(encodeCompactGaussians(one));
    expect(d.means).toEqual(one.means); // a zero-width range is stored as its value
    expectWithinTolerance(one, d);
    const flat = syntheticObject(50, 0, 3);
    for (let i = 0; i < 50; i++) flat.means[3 * i + 1] = 0.25;
    expect(Array.from(decodeCompactGaussians(encodeCompactGaussians(flat)).means.filter((_, k) => k % 3 === 1))).toEqual(new Array(50).fill(0.25));
  });

  it('decodes a payload at any byte offset (a pooled Buffer) and does not alias its input', () => {
    const g = syntheticObject(100, 3, 8);
    const bytes = encodeCompactGaussians(g);
    const host = new Uint8Array(bytes.byteLength + 3);
    host.set(bytes, 3);
    const d = decodeCompactGaussians(host.subarray(3));
    expectWithinTolerance(g, d);
    host.fill(0);
    expectWithinTolerance(g, d);
  });

  it('refuses a wrong magic, a newer version, a truncated or padded payload with a storage error naming the problem', () => {
    const bytes = encodeCompactGaussians(syntheticObject(4, 3, 9));
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x50; // "PLY"-like
    expectKilnError(() => decodeCompactGaussians(wrongMagic), 'storage', /not a Kiln Gaussian snapshot/);
    expectKilnError(() => decodeCompactGaussians(new TextEncoder().encode('ply\nformat binary_little_endian 1.0\n')), 'storage', /not a Kiln Gaussian snapshot/);
    const newer = bytes.slice();
    newer[4] = 2;
    expectKilnError(() => decodeCompactGaussians(newer), 'storage', /format version 2, this Kiln reads version 1/);
    for (let length = 0; length < bytes.byteLength; length++) {
      expectKilnError(() => decodeCompactGaussians(bytes.subarray(0, length)), 'storage', /damaged/);
    }
    const padded = new Uint8Array(bytes.byteLength + 4);
    padded.set(bytes);
    expectKilnError(() => decodeCompactGaussians(padded), 'storage', /4 bytes more than its groups need/);
    const moreGaussians = bytes.slice();
    moreGaussians[8] = moreGaussians[8]! + 1;
    expectKilnError(() => decodeCompactGaussians(moreGaussians), 'storage', /means holds \d+ bytes, 5 Gaussians need/);
    const unknownEncoding = bytes.slice();
    unknownEncoding[12 + 8 * 2] = 9;
    expectKilnError(() => decodeCompactGaussians(unknownEncoding), 'storage', /quats has unknown encoding 9/);
    const badRange = bytes.slice();
    new DataView(badRange.buffer).setFloat64(60, NaN, true); // the means' first q16 lower bound
    expectKilnError(() => decodeCompactGaussians(badRange), 'storage', /means has an invalid quantisation range/);
  });

  it('any damage to the header either decodes or throws a storage KilnError, never a RangeError', () => {
    const groups = PARAM_GROUPS.length;
    const bytes = encodeCompactGaussians(syntheticObject(6, 2, 10));
    for (let i = 0; i < 12 + 8 * groups + 48; i++) {
      for (const value of [0, 1, 2, 3, 0x7f, 0x80, 0xff, bytes[i]! ^ 0x01, bytes[i]! ^ 0x40]) {
        const damagedBytes = bytes.slice();
        damagedBytes[i] = value;
        decodeOrStorageError(damagedBytes);
      }
    }
    const rng = new Rng(12);
    for (let trial = 0; trial < 300; trial++) {
      const damagedBytes = bytes.slice(0, rng.int(0, bytes.byteLength));
      for (let flips = rng.int(1, 4); flips > 0 && damagedBytes.length > 0; flips--) {
        damagedBytes[rng.int(0, damagedBytes.length - 1)] = rng.int(0, 255);
      }
      decodeOrStorageError(damagedBytes);
    }
  });
});
