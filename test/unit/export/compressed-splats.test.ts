import createSpzModule from '@adobe/spz';
import { MemoryReadFileSystem, readFile, readSpz, type DataTable } from '@playcanvas/splat-transform';
import { describe, expect, it } from 'vitest';
import { gaussiansToInriaColumns } from '../../../src/core/export/ply/inria-columns';
import { writeSog } from '../../../src/core/export/sog';
import { writeSpz } from '../../../src/core/export/spz';
import { randomGaussians } from './random-gaussians';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function column(table: DataTable, name: string): ArrayLike<number> {
  const c = table.getColumnByName(name);
  if (!c) throw new Error(`no column ${name}`);
  return c.data;
}

/** Largest |a − b| over a column pair, through `f` (identity by default). */
function maxError(a: ArrayLike<number>, b: ArrayLike<number>, f: (v: number) => number = (v) => v): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(f(a[i]!) - f(b[i]!)));
  return worst;
}

/**
 * SPZ's quantisation (nianticlabs/spz README and encoder): positions 24-bit fixed point with 12 fractional bits
 * (step 1/4096 m); log-scales 8 bits at 16 steps per unit; opacity as 8-bit alpha; SH DC 8 bits with colour scale
 * 0.15 (step 1/38.25); rotations smallest-three at 10 bits; SH degree 1 rounded to 8 bits over [−1, 1], then to 5
 * (steps 1/128, then 1/16).
 * Each tolerance is half a step plus a little rounding slack.
 */
const SPZ_TOLERANCE = { position: 0.5 / 4096 + 1e-6, logScale: 0.5 / 16 + 1e-4, alpha: 0.5 / 255 + 1e-4, dc: 0.5 / 38.25 + 1e-4, sh1: 0.5 / 16 + 0.5 / 128 + 1e-4, quatDot: 0.999 };

describe('SPZ through @playcanvas/splat-transform', () => {
  for (const version of [3, 4] as const) {
    it(`version ${version}: decoded again by the library, every parameter within SPZ's quantisation`, async () => {
      const g = randomGaussians(2000, 1, 31);
      const bytes = await writeSpz(g, { version });
      // Version 3 is a gzip stream; version 4 starts with the NGSP magic.
      expect([...bytes.subarray(0, version === 3 ? 2 : 4)]).toEqual(version === 3 ? [0x1f, 0x8b] : [...'NGSP'].map((c) => c.charCodeAt(0)));
      const fs = new MemoryReadFileSystem();
      fs.set('in.spz', bytes);
      const table = await readSpz(await fs.createSource('in.spz'));
      expect(table.numRows).toBe(2000);
      // splat-transform decodes into the PLY frame, so compare with Kiln's PLY columns.
      const expected = new Map(gaussiansToInriaColumns(g).map((c) => [c.name, c.values]));
      const err = (name: string, f?: (v: number) => number) => maxError(column(table, name), expected.get(name)!, f);
      for (const axis of ['x', 'y', 'z']) expect(err(axis), axis).toBeLessThanOrEqual(SPZ_TOLERANCE.position);
      for (const s of ['scale_0', 'scale_1', 'scale_2']) expect(err(s), s).toBeLessThanOrEqual(SPZ_TOLERANCE.logScale);
      expect(err('opacity', sigmoid)).toBeLessThanOrEqual(SPZ_TOLERANCE.alpha);
      for (const c of ['f_dc_0', 'f_dc_1', 'f_dc_2']) expect(err(c), c).toBeLessThanOrEqual(SPZ_TOLERANCE.dc);
      for (let k = 0; k < 9; k++) expect(err(`f_rest_${k}`), `f_rest_${k}`).toBeLessThanOrEqual(SPZ_TOLERANCE.sh1);
      for (let i = 0; i < 2000; i++) {
        const dot = [0, 1, 2, 3].reduce((s, k) => s + column(table, `rot_${k}`)[i]! * expected.get(`rot_${k}`)![i]!, 0);
        expect(Math.abs(dot)).toBeGreaterThanOrEqual(SPZ_TOLERANCE.quatDot);
      }
    });
  }

  it("stores Kiln's world as is: SPZ's spec frame (RUB) is Kiln's, so the raw file holds Kiln's means unflipped", async () => {
    const g = randomGaussians(50, 0, 32);
    const spz = await createSpzModule();
    const raw = spz.loadSpzFromBuffer(await writeSpz(g, { version: 3 }), { to: spz.CoordinateSystem.UNSPECIFIED });
    expect(raw.numPoints).toBe(50);
    expect(maxError(raw.positions, g.means)).toBeLessThanOrEqual(SPZ_TOLERANCE.position);
  });

  it('is far smaller than the PLY (≤ 1/5 at SH degree 1)', async () => {
    const g = randomGaussians(5000, 1, 33);
    const bytes = await writeSpz(g, { version: 3 });
    expect(bytes.byteLength).toBeLessThan((5000 * 62 * 4) / 5);
  });
});

describe('SOG through @playcanvas/splat-transform', () => {
  it('is read back by the library with every Gaussian and close positions', async () => {
    const g = randomGaussians(400, 1, 34);
    const bytes = await writeSog(g, { iterations: 2 });
    const fs = new MemoryReadFileSystem();
    fs.set('in.sog', bytes);
    const [table] = await readFile({ filename: 'in.sog', inputFormat: 'sog', options: { iterations: 2, lodSelect: [], unbundled: false, lodChunkCount: 512, lodChunkExtent: 16 }, params: [], fileSystem: fs });
    expect(table!.numRows).toBe(400);
    // SOG reorders the Gaussians (Morton order), so pair each decoded one with the nearest original.
    const expected = new Map(gaussiansToInriaColumns(g).map((c) => [c.name, c.values]));
    const [x, y, z, opacity] = ['x', 'y', 'z', 'opacity'].map((name) => column(table!, name));
    const [ex, ey, ez, eOpacity] = ['x', 'y', 'z', 'opacity'].map((name) => expected.get(name)!);
    const matched = new Set<number>();
    for (let i = 0; i < 400; i++) {
      let best = -1, bestDistance = Infinity;
      for (let j = 0; j < 400; j++) {
        const d = Math.hypot(x![i]! - ex![j]!, y![i]! - ey![j]!, z![i]! - ez![j]!);
        if (d < bestDistance) [best, bestDistance] = [j, d];
      }
      // SOG stores positions as 16 bits per axis of a log-mapped range: well under a millimetre here.
      expect(bestDistance).toBeLessThan(1e-3);
      expect(Math.abs(sigmoid(opacity![i]!) - sigmoid(eOpacity![best]!))).toBeLessThanOrEqual(1 / 255 + 1e-4);
      matched.add(best);
    }
    expect(matched.size).toBe(400);
  });
});
