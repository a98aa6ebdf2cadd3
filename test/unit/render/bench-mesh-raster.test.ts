import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';

describe('kiln bench mesh-raster', () => {
  it('times every stage for 64² and 256² at 1 and 2 threads on the same 20k-triangle mesh', async () => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), env: {} };
    const code = await runCli(['bench', 'mesh-raster', '--quick', '--repeats', '1', '--json'], io);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      triangles: number;
      views: number;
      rows: { resolution: number; threads: number; totalMs: number; rasterizeMs: number; coveredFraction: number; blends: number }[];
    };
    expect(report.triangles).toBeGreaterThan(18_000);
    expect(report.triangles).toBeLessThan(22_000);
    expect(report.rows.map((r) => [r.resolution, r.threads])).toEqual([[64, 1], [64, 2], [256, 1], [256, 2]]);
    for (const row of report.rows) {
      expect(row.totalMs).toBeGreaterThan(row.rasterizeMs);
      // The blob fills about a third of each view; its outline is blended along its whole length.
      expect(row.coveredFraction).toBeGreaterThan(0.25);
      expect(row.coveredFraction).toBeLessThan(0.45);
      expect(row.blends).toBeGreaterThan(report.views * 2 * Math.sqrt(Math.PI * row.coveredFraction * row.resolution ** 2));
    }
  });
});
