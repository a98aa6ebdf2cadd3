import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../core/random/rng';
import { median, quantile } from '../../core/stats';
import { decodeCompactGaussians, encodeCompactGaussians } from '../../shared/gaussians/compact-gaussians';
import { PARAM_GROUPS, type GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { syntheticObject } from '../../core/scene/gaussians/synthetic-object';
import { MAX_SH_DEGREE } from '../../core/scene/gaussians/spherical-harmonics';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore, type KilnStore } from '../../core/store/kiln-store';
import { KilnError } from '../../shared/errors';
import type { Benchmark } from './benchmark';

const COUNTS = [10_000, 50_000, 100_000];
const SCRUB_GAUSSIANS = 50_000;
const SCRUB_SNAPSHOTS = 200;
const SCRUB_GOAL_MS = 30;

interface SizeRow {
  gaussians: number;
  payloadBytes: number;
  fp32Bytes: number;
  encodeMs: number;
  /** encode + BlobStore.put (temporary file, fsync, rename, folder fsync). */
  writeMs: number;
  /** BlobStore.read + decode to float32 arrays. */
  readDecodeMs: number;
}

interface ScrubResult {
  gaussians: number;
  snapshots: number;
  payloadBytes: number;
  p95Ms: number;
  medianMs: number;
  maxMs: number;
  goalMs: number;
  /** Medians of the three parts of a load. */
  lookupMs: number;
  /** Read including the SHA-256 check every read does. */
  readMs: number;
  /** The same read without the check (measured after each load): readMs minus this is what verifying costs. */
  unverifiedReadMs: number;
  decodeMs: number;
}

/** The same object a little further into training: every value changes, so every snapshot is a distinct blob. */
function driftedCopy(g: GaussianArrays, step: number): GaussianArrays {
  const f = 1 + 1e-4 * step;
  const scaled = (a: Float32Array) => a.map((v) => v * f);
  return {
    count: g.count,
    shDegreeMax: g.shDegreeMax,
    means: scaled(g.means),
    logScales: scaled(g.logScales),
    quats: scaled(g.quats),
    opacityLogits: scaled(g.opacityLogits),
    shDc: scaled(g.shDc),
    shRest: scaled(g.shRest),
  };
}

const fp32Bytes = (g: GaussianArrays) => 4 * PARAM_GROUPS.reduce((n, group) => n + g[group].length, 0);

function elapsedMs<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** The blob store as the bench uses it; `put` also remembers what it wrote, for the clean-up. */
interface BenchBlobs {
  put(bytes: Uint8Array): string;
  read(hash: string): Buffer;
  readUnverified(hash: string): Buffer;
}

function measureSizes(blobs: BenchBlobs, shDegreeMax: number, repeats: number, onRow: (row: SizeRow) => void): SizeRow[] {
  const rows: SizeRow[] = [];
  for (const count of COUNTS) {
    const base = syntheticObject(count, shDegreeMax, count);
    const encodeTimes: number[] = [];
    const writeTimes: number[] = [];
    const readTimes: number[] = [];
    let payloadBytes = 0;
    // Rep 0 warms up (JIT, the fp16 table); each rep writes a new blob, since putting known bytes is a no-op.
    for (let rep = 0; rep <= repeats; rep++) {
      const g = driftedCopy(base, rep);
      const start = performance.now();
      const [bytes, encodeMs] = elapsedMs(() => encodeCompactGaussians(g));
      const hash = blobs.put(bytes);
      const writeMs = performance.now() - start;
      const [decoded, readMs] = elapsedMs(() => decodeCompactGaussians(blobs.read(hash)));
      if (decoded.count !== count) throw new Error('decoded a different Gaussian count');
      payloadBytes = bytes.byteLength;
      if (rep === 0) continue;
      encodeTimes.push(encodeMs);
      writeTimes.push(writeMs);
      readTimes.push(readMs);
    }
    const row: SizeRow = {
      gaussians: count,
      payloadBytes,
      fp32Bytes: fp32Bytes(base),
      encodeMs: median(encodeTimes),
      writeMs: median(writeTimes),
      readDecodeMs: median(readTimes),
    };
    rows.push(row);
    onRow(row);
  }
  return rows;
}

/** Writes 200 snapshots of one run as the pipeline does (blob first, then its row), then loads them in random order. */
function measureScrub(store: KilnStore, blobs: BenchBlobs, shDegreeMax: number): ScrubResult {
  const { projects, runs } = store;
  const project = projects.create(`kiln bench store ${process.pid}-${Date.now()}`);
  try {
    const run = runs.createRun({
      projectId: project.id,
      name: 'bench store',
      config: { method: 'bench', prompt: 'bench store' },
      method: 'bench',
      seed: 1,
      targetIterations: 10 * SCRUB_SNAPSHOTS,
    });
    const base = syntheticObject(SCRUB_GAUSSIANS, shDegreeMax, 7);
    let payloadBytes = 0;
    for (let s = 0; s < SCRUB_SNAPSHOTS; s++) {
      const bytes = encodeCompactGaussians(driftedCopy(base, s + 1));
      payloadBytes = bytes.byteLength;
      const payloadBlob = blobs.put(bytes);
      runs.addSnapshot({ runId: run.id, iteration: 10 * s, stage: 0, gaussians: SCRUB_GAUSSIANS, payloadKind: 'splats', payloadBlob, checkpointBlob: null, thumbnailBlob: null, metrics: { loss: 1 / (s + 1) } });
    }
    const order = Array.from({ length: SCRUB_SNAPSHOTS }, (_, s) => 10 * s);
    const rng = new Rng(2024);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const load = (iteration: number) => {
      const t0 = performance.now();
      const row = runs.getSnapshot(run.id, iteration);
      const t1 = performance.now();
      const bytes = blobs.read(row.payloadBlob);
      const t2 = performance.now();
      const g = decodeCompactGaussians(bytes);
      const t3 = performance.now();
      if (g.count !== row.gaussians) throw new Error(`snapshot ${iteration} decoded ${g.count} Gaussians, its row says ${row.gaussians}`);
      const [, unverified] = elapsedMs(() => blobs.readUnverified(row.payloadBlob));
      return { total: t3 - t0, lookup: t1 - t0, read: t2 - t1, unverified, decode: t3 - t2 };
    };
    for (const iteration of order.slice(0, 5)) load(iteration); // warm-up: JIT and prepared statements
    const loads = order.map(load);
    const totals = loads.map((l) => l.total);
    return {
      gaussians: SCRUB_GAUSSIANS,
      snapshots: SCRUB_SNAPSHOTS,
      payloadBytes,
      p95Ms: quantile(totals, 0.95),
      medianMs: median(totals),
      maxMs: Math.max(...totals),
      goalMs: SCRUB_GOAL_MS,
      lookupMs: median(loads.map((l) => l.lookup)),
      readMs: median(loads.map((l) => l.read)),
      unverifiedReadMs: median(loads.map((l) => l.unverified)),
      decodeMs: median(loads.map((l) => l.decode)),
    };
  } finally {
    projects.delete(project.id); // runs and snapshot rows go with it (ON DELETE CASCADE)
  }
}

function parseShDegree(value: unknown): number {
  if (value === undefined) return 1;
  const sh = Number(value);
  if (!Number.isInteger(sh) || sh < 0 || sh > MAX_SH_DEGREE) {
    throw new KilnError('invalid-request', `--sh must be an SH degree from 0 to ${MAX_SH_DEGREE}, got "${String(value)}"`);
  }
  return sh;
}

/** Timings on a shared machine mean little without how busy it was. */
export function machineLoad(): { cores: number; loadAverage1m: number } {
  return { cores: availableParallelism(), loadAverage1m: loadavg()[0]! };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

export const storeBenchmark: Benchmark = {
  name: 'store',
  summary: 'Snapshot payload sizes, write and read+decode times, and the p95 time to load one of 200 snapshots (goal ≤ 30 ms at 50k)',
  options: { sh: { type: 'string' }, home: { type: 'string' }, repeats: { type: 'string' } },
  async run({ values, json }, io) {
    const shDegreeMax = parseShDegree(values.sh);
    const repeats = Number(values.repeats ?? 7);
    if (!Number.isInteger(repeats) || repeats < 1) {
      throw new KilnError('invalid-request', `--repeats must be a whole number of at least 1, got "${String(values.repeats)}"`);
    }
    // A given --home is used as it is (to measure another disk); only what the bench wrote is removed from it.
    const given = values.home as string | undefined;
    const home = given ? resolveKilnHome(given) : mkdtempSync(join(tmpdir(), 'kiln-bench-store-'));
    const store = openKilnStore(home);
    const written = new Set<string>();
    const tracked: BenchBlobs = {
      put: (bytes) => {
        const hash = store.blobs.put(bytes);
        written.add(hash);
        return hash;
      },
      read: (hash) => store.blobs.read(hash),
      readUnverified: (hash) => store.blobs.read(hash, { verify: false }),
    };
    try {
      if (!json) {
        io.out(`kiln bench store — SH degree ${shDegreeMax}, Kiln home ${home}; medians of ${repeats}\n\n`);
        io.out('gaussians  payload MB  vs fp32  encode ms  write ms (encode+put+fsync)  read+decode ms\n');
      }
      const rows = measureSizes(tracked, shDegreeMax, repeats, (r) => {
        if (json) return;
        io.out(
          `${String(r.gaussians).padStart(9)}  ${mb(r.payloadBytes).padStart(10)}  ${(r.payloadBytes / r.fp32Bytes).toFixed(3).padStart(7)}  ${r.encodeMs.toFixed(1).padStart(9)}  ${r.writeMs.toFixed(1).padStart(27)}  ${r.readDecodeMs.toFixed(2).padStart(13)}\n`,
        );
      });
      const scrub = measureScrub(store, tracked, shDegreeMax);
      const machine = machineLoad();
      if (json) {
        io.out(JSON.stringify({ benchmark: 'store', shDegreeMax, repeats, home, machine, rows, scrub }, null, 2) + '\n');
        return 0;
      }
      io.out(
        `\nscrub: load any of ${scrub.snapshots} snapshots of one run at ${scrub.gaussians} Gaussians (${mb(scrub.payloadBytes)} MB each), random order\n` +
          `  (SQLite row lookup + blob read + decode to float32)\n` +
          `  p95 ${scrub.p95Ms.toFixed(2)} ms (goal ≤ ${scrub.goalMs} ms), median ${scrub.medianMs.toFixed(2)} ms, max ${scrub.maxMs.toFixed(2)} ms\n` +
          `  medians of the parts: lookup ${scrub.lookupMs.toFixed(3)} ms, read ${scrub.readMs.toFixed(2)} ms, decode ${scrub.decodeMs.toFixed(2)} ms\n` +
          `  SHA-256 check included in every read: ${(scrub.readMs - scrub.unverifiedReadMs).toFixed(2)} ms (the same read unverified: ${scrub.unverifiedReadMs.toFixed(2)} ms)\n` +
          `\n${machine.cores} cores, 1-minute load average ${machine.loadAverage1m.toFixed(1)} at the end (timings stretch on a busy machine)\n`,
      );
      return 0;
    } finally {
      if (given) for (const hash of written) store.blobs.delete(hash);
      store.close();
      if (!given) rmSync(home, { recursive: true, force: true });
    }
  },
};
