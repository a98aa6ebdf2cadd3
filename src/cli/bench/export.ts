import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS, exportGaussians, findExportFormat, type ExportFormat } from '../../core/export/formats';
import { Rng } from '../../core/random/rng';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { initialiseBall, logit } from '../../core/scene/gaussians/initialise';
import { median } from '../../core/stats';
import type { Benchmark } from './benchmark';

/** Timed runs stop once a format has used this much time (SOG takes tens of seconds per run at 50k). */
const TIME_BUDGET_MS = 60_000;

/** A trained-looking object: a filled ball of anisotropic, randomly turned Gaussians with mixed opacity and some SH. */
function benchGaussians(count: number, shDegreeMax: number, seed: number): GaussianArrays {
  const rng = new Rng(seed);
  const g = initialiseBall({ count, shDegreeMax, radiusM: 0.8, scaleFactor: 0.6, opacity: 0.5, colourNoise: 0.2 }, rng);
  for (let i = 0; i < count; i++) {
    g.opacityLogits[i] = logit(rng.range(0.05, 0.98));
    for (let a = 0; a < 3; a++) g.logScales[3 * i + a] = g.logScales[3 * i + a]! + 0.4 * rng.normal();
    const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...q);
    g.quats.set(q.map((v) => v / n), 4 * i);
  }
  for (let k = 0; k < g.shRest.length; k++) g.shRest[k] = 0.05 * rng.normal();
  return g;
}

interface ExportRow {
  format: string;
  /** The first export in this process: includes loading the encoder library (and its WASM) once. */
  firstMs: number;
  /** Median of the timed runs after it: encode + atomic write + fsync. */
  medianMs: number;
  runs: number;
  bytes: number;
  bytesPerGaussian: number;
  /** Size relative to the PLY export of the same Gaussians. */
  ratioToPly: number | null;
}

async function measure(format: ExportFormat, g: GaussianArrays, dir: string, repeats: number): Promise<Omit<ExportRow, 'ratioToPly'>> {
  const path = join(dir, `bench.${format.extension}`);
  const once = async () => {
    const start = performance.now();
    const { byteLength } = await exportGaussians(g, format.name, path);
    return { ms: performance.now() - start, byteLength };
  };
  const first = await once();
  const times: number[] = [];
  let spent = first.ms;
  while (times.length < repeats && (times.length === 0 || spent < TIME_BUDGET_MS)) {
    const { ms } = await once();
    times.push(ms);
    spent += ms;
  }
  return { format: format.name, firstMs: first.ms, medianMs: median(times), runs: times.length, bytes: first.byteLength, bytesPerGaussian: first.byteLength / g.count };
}

export const exportBenchmark: Benchmark = {
  name: 'export',
  summary: 'Every registered export format: time and file size at 50k Gaussians (--count, --sh, --repeats, --formats a,b).',
  options: { count: { type: 'string' }, sh: { type: 'string' }, repeats: { type: 'string' }, formats: { type: 'string' } },
  async run({ values, json }, io) {
    const count = Number(values.count ?? 50_000);
    const shDegreeMax = Number(values.sh ?? 1);
    const repeats = Number(values.repeats ?? 5);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(shDegreeMax) || shDegreeMax < 0 || shDegreeMax > 3 || !Number.isInteger(repeats) || repeats < 1) {
      io.err('kiln bench export: --count and --repeats must be positive integers and --sh an integer in 0..3\n');
      return 2;
    }
    const names = values.formats === undefined ? EXPORT_FORMATS.map((f) => f.name) : String(values.formats).split(',').map((n) => n.trim());
    let formats: ExportFormat[];
    try {
      formats = names.map(findExportFormat);
    } catch (err) {
      io.err(`kiln bench export: ${(err as Error).message}\n`);
      return 2;
    }
    const g = benchGaussians(count, shDegreeMax, 1);
    const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-export-'));
    const rows: ExportRow[] = [];
    try {
      if (!json) {
        io.out(`kiln bench export — ${count} Gaussians, SH degree ${shDegreeMax}; medians of up to ${repeats} runs after a first (library-loading) run\n\n`);
        io.out('format  first ms  median ms  runs        bytes  bytes/Gaussian  vs ply\n');
      }
      for (const format of formats) {
        const m = await measure(format, g, dir, repeats);
        const ply = rows.find((r) => r.format === 'ply');
        const row: ExportRow = { ...m, ratioToPly: format.name === 'ply' ? 1 : ply ? m.bytes / ply.bytes : null };
        rows.push(row);
        if (!json) {
          const ratio = row.ratioToPly === null ? '—' : row.ratioToPly.toFixed(3);
          io.out(`${row.format.padEnd(6)} ${row.firstMs.toFixed(0).padStart(9)} ${row.medianMs.toFixed(1).padStart(10)} ${String(row.runs).padStart(5)} ${String(row.bytes).padStart(12)} ${row.bytesPerGaussian.toFixed(2).padStart(15)} ${ratio.padStart(7)}\n`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (json) io.out(JSON.stringify({ benchmark: 'export', count, shDegreeMax, repeats, timeBudgetMs: TIME_BUDGET_MS, rows }, null, 2) + '\n');
    return 0;
  },
};
