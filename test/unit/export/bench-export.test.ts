import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';

async function kiln(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), env: {} };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('kiln bench export', () => {
  it('times the chosen formats and reports sizes that match what the formats write', async () => {
    const r = await kiln('bench', 'export', '--count', '300', '--sh', '2', '--repeats', '2', '--formats', 'ply,spz', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { count: number; shDegreeMax: number; rows: { format: string; bytes: number; runs: number; medianMs: number; ratioToPly: number }[] };
    expect(report).toMatchObject({ count: 300, shDegreeMax: 2 });
    expect(report.rows.map((row) => row.format)).toEqual(['ply', 'spz']);
    const [ply, spz] = report.rows;
    // The PLY is its header plus 300 rows of 6 + 3 + 24 + 8 float32 properties.
    expect(ply!.bytes).toBeGreaterThan(300 * 41 * 4);
    expect(ply!.bytes).toBeLessThan(300 * 41 * 4 + 1500);
    expect(spz!.ratioToPly).toBeCloseTo(spz!.bytes / ply!.bytes, 9);
    for (const row of report.rows) {
      expect(row.runs).toBe(2);
      expect(row.medianMs).toBeGreaterThan(0);
    }
  });

  it('refuses an unknown format and bad numbers with exit code 2', async () => {
    const unknown = await kiln('bench', 'export', '--formats', 'obj');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown export format "obj"; choose one of: ply, spz/);
    expect((await kiln('bench', 'export', '--sh', '4')).code).toBe(2);
  });
});
