import { KilnError } from '../../shared/errors';
import type { Benchmark } from './benchmark';
import { runFuzz, type FuzzReport } from './fuzz/run-fuzz';
import type { FuzzTally } from './fuzz/fuzz-types';

function wholeNumber(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(String(value))) throw new KilnError('invalid-request', `--${name} must be a whole number, not "${String(value)}"`);
  return Number(value);
}

function describeTally(label: string, tally: FuzzTally): string {
  const outcomes = Object.entries(tally.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${label}: ${tally.cases} cases (${outcomes}); ${tally.failures.length} failures\n${tally.failures.map((f) => `  FAIL ${f}\n`).join('')}`;
}

export function describeFuzzReport(r: FuzzReport): string {
  return (
    `kiln bench fuzz — seed ${r.seed}, ${r.seconds.toFixed(0)} s\n` +
    describeTally('StudioApi against kiln serve', r.api) +
    describeTally('kiln command lines', r.cli) +
    `database after the fuzz: integrity_check ${r.integrity}\n`
  );
}

export const fuzzBenchmark: Benchmark = {
  name: 'fuzz',
  summary: 'Property-based fuzz of the StudioApi (a real kiln serve) and the CLI (real processes): --cases N (API; a quarter as many command lines), --seed S',
  options: { cases: { type: 'string' }, seed: { type: 'string' } },
  async run({ values, json }, io) {
    const apiCases = wholeNumber(values.cases, 500, 'cases');
    const seed = wholeNumber(values.seed, Date.now() % 2 ** 31, 'seed');
    const report = await runFuzz({ apiCases, cliCases: Math.max(1, Math.round(apiCases / 4)), seed });
    io.out(json ? JSON.stringify(report, null, 2) + '\n' : describeFuzzReport(report));
    return report.api.failures.length + report.cli.failures.length === 0 && report.integrity === 'ok' ? 0 : 1;
  },
};
