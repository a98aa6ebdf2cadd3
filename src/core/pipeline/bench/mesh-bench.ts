import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PresetName } from '../../../shared/runs';
import { DEMO_OBJECTS, demoObject } from '../../diffusion/demo/objects';
import { median } from '../../stats';
import type { KilnStore } from '../../store/kiln-store';
import { exportRunSnapshot } from '../export-run';
import { executeRun } from '../generation';
import { modelPackDir } from '../open-run-prior';
import { MESH_OUTPUT_STAGES } from '../presets';
import { ResolvedRunConfig } from '../run-config';
import { createRun } from '../run-control';
import { glbFidelity } from './glb-fidelity';
import { glbValidatorErrors } from './glb-validation';

/**
 * `kiln bench mesh` (docs/bench/mesh.md): the GLB an artist ships for each demo object, the default two-stage run
 * (what `kiln generate --prompt P --out X.glb` runs) against a splats-only run given the same wall time, both scored
 * against the object's exact surface by issue 13's measures.
 */
export const MeshBenchSettings = z.object({
  objects: z
    .array(z.string())
    .min(1)
    .default(['snowman', 'mug', 'torus', 'table'])
    .refine((ids) => ids.every((id) => DEMO_OBJECTS.some((o) => o.id === id)), { message: `objects are demo objects: ${DEMO_OBJECTS.map((o) => o.id).join(', ')}` }),
  seeds: z.array(z.number().int().min(0)).min(1).default([0, 1, 2]),
  preset: PresetName.default('balanced'),
  /** The two-stage run's stage lengths when not the preset's (quick checks). */
  gaussianIterations: z.number().int().positive().optional(),
  meshIterations: z.number().int().positive().optional(),
  threads: z.number().int().positive().default(1),
  /** Area samples of each surface that the scores compare (glb-fidelity.ts). */
  samples: z.number().int().min(100).default(20_000),
});
export type MeshBenchSettings = z.infer<typeof MeshBenchSettings>;

export const MESH_BENCH_PROJECT = 'bench mesh';
/** Both GLBs keep the object's frame, so they can be laid over its exact surface. */
const EXPORT_OPTIONS = { pivot: 'origin' } as const;

export type MeshBenchVariant = 'two-stage' | 'splats-only';

export interface MeshBenchRow {
  object: string;
  seed: number;
  variant: MeshBenchVariant;
  runId: string;
  glb: string;
  /** Iterations per stage (Gaussians, then DMTet for the two-stage run). */
  iterations: number[];
  wallSeconds: number;
  /** CPU seconds the run took (all of this process's threads): what the equal-time match is made in. */
  cpuSeconds: number;
  triangles: number;
  pieces: number;
  chamferPercent: number;
  /** Share of the true surface within 2 % of the object's size of the mesh. */
  coveredShare: number;
  /** Mean absolute texture error against the albedo, the worst channel, in 1/255 (null without a texture). */
  textureError: number | null;
  validatorErrors: number;
  validatorCodes: string[];
}

interface TimedRun {
  runId: string;
  iterations: number[];
  wallSeconds: number;
  cpuSeconds: number;
  /** The first stage's snapshots: iteration, and CPU seconds since the start. */
  firstStageSnapshots: { iteration: number; cpuSeconds: number }[];
}

/** CPU seconds (user and system, every thread of this process) since `start`. */
const cpuSecondsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Records and runs a generation as `kiln generate` does, timed from the start (the model pack already built). */
async function timedRun(store: KilnStore, projectId: string, request: Record<string, unknown>, name: string, threads: number): Promise<TimedRun> {
  const run = createRun(store.runs, projectId, request, name);
  modelPackDir(store.home, ResolvedRunConfig.parse(run.config).model); // a fresh home builds the demo pack here, untimed
  const firstStageSnapshots: TimedRun['firstStageSnapshots'] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const done = await executeRun({ home: store.home, runs: store.runs, blobs: store.blobs, threads }, run.id, {
    onSnapshot: (s) => void (s.stage === 0 && firstStageSnapshots.push({ iteration: s.iteration, cpuSeconds: cpuSecondsSince(cpuStart) })),
  });
  const wallSeconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStart);
  if (done.status !== 'completed') throw new Error(`benchmark run ${run.id} ended ${done.status}`);
  const iterations = ResolvedRunConfig.parse(done.config).stages.map((s) => s.iterations);
  return { runId: run.id, iterations, wallSeconds, cpuSeconds, firstStageSnapshots };
}

async function scoredExport(store: KilnStore, run: TimedRun, objectId: string, seed: number, variant: MeshBenchVariant, outDir: string, samples: number): Promise<MeshBenchRow> {
  const exported = await exportRunSnapshot(store, { runId: run.runId, path: join(outDir, `${objectId}-seed${seed}-${variant}.glb`), options: EXPORT_OPTIONS });
  const bytes = new Uint8Array(readFileSync(exported.path));
  const fidelity = await glbFidelity(bytes, objectId, samples);
  const validation = await glbValidatorErrors(bytes);
  return {
    object: objectId,
    seed,
    variant,
    runId: run.runId,
    glb: exported.path,
    iterations: run.iterations,
    wallSeconds: run.wallSeconds,
    cpuSeconds: run.cpuSeconds,
    triangles: fidelity.triangles,
    pieces: fidelity.pieces,
    chamferPercent: fidelity.chamferPercent,
    coveredShare: fidelity.coveredShare,
    textureError: fidelity.albedoError ? Math.max(...fidelity.albedoError) : null,
    validatorErrors: validation.count,
    validatorCodes: validation.codes,
  };
}

/**
 * Gaussian iterations that take as long as the whole two-stage run: the iterations up to the Gaussian stage's first
 * snapshot (with the fixed cost of opening the prior), then the rest of the two-stage run's time at the rate the
 * Gaussian stage ran between its first and last snapshots. Time is the process's CPU time, not wall time: on a
 * shared machine the wall rate changes with other jobs' load between the two runs (docs/bench/mesh.md measured
 * splats-only runs at 29–188 % of the two-stage runs' wall that way), the CPU time does not; on an idle
 * machine with one thread the two are the same.
 */
function equalTimeIterations(twoStage: TimedRun): number {
  const first = twoStage.firstStageSnapshots[0]!;
  const last = twoStage.firstStageSnapshots[twoStage.firstStageSnapshots.length - 1]!;
  if (last.iteration === first.iteration) return Math.round((last.iteration * twoStage.cpuSeconds) / last.cpuSeconds);
  const rate = (last.iteration - first.iteration) / (last.cpuSeconds - first.cpuSeconds);
  return Math.round(first.iteration + rate * (twoStage.cpuSeconds - first.cpuSeconds));
}

/**
 * One object and seed: the two-stage run, then a splats-only run as long. The stage runner has no wall-clock
 * budget, and one would make a run depend on the machine's speed and cut its schedules (densification, SH warm-up,
 * learning-rate decay are fractions of the stage's length) short; so the splats-only run is an ordinary run whose
 * Gaussian stage is longer, by the two-stage run's own Gaussian rate (equalTimeIterations). Both runs' wall and CPU
 * times are reported, so a mismatch shows.
 */
async function benchObjectSeed(store: KilnStore, projectId: string, objectId: string, seed: number, s: MeshBenchSettings, outDir: string): Promise<MeshBenchRow[]> {
  const base = { prompt: demoObject(objectId).prompt, seed, preset: s.preset };
  const lengths = [s.gaussianIterations, s.meshIterations];
  const stages = MESH_OUTPUT_STAGES.map((stage, i) => ({ ...stage, ...(lengths[i] !== undefined ? { iterations: lengths[i] } : {}) }));
  const twoStage = await timedRun(store, projectId, { ...base, stages }, `${objectId} seed ${seed}: two-stage`, s.threads);
  const splatIterations = Math.min(100_000, Math.max(twoStage.iterations[0]!, equalTimeIterations(twoStage)));
  const splatsOnly = await timedRun(store, projectId, { ...base, stages: [{ representation: 'gaussians', iterations: splatIterations }] }, `${objectId} seed ${seed}: splats-only`, s.threads);
  return [
    await scoredExport(store, twoStage, objectId, seed, 'two-stage', outDir, s.samples),
    await scoredExport(store, splatsOnly, objectId, seed, 'splats-only', outDir, s.samples),
  ];
}

export interface MeshBenchResult {
  rows: MeshBenchRow[];
  markdown: string;
}

/** Every object and seed, recorded as runs of the project "bench mesh" in `store` (to open, branch or export later). */
export async function runMeshBenchmark(store: KilnStore, s: MeshBenchSettings, outDir: string, onProgress: (line: string) => void = () => {}): Promise<MeshBenchResult> {
  const project = store.projects.findByName(MESH_BENCH_PROJECT) ?? store.projects.create(MESH_BENCH_PROJECT);
  const rows: MeshBenchRow[] = [];
  for (const objectId of s.objects) {
    for (const seed of s.seeds) {
      const pair = await benchObjectSeed(store, project.id, objectId, seed, s, outDir);
      rows.push(...pair);
      for (const r of pair) onProgress(`${objectId} seed ${seed} ${r.variant}: ${rowCells({ ...r, iterations: r.iterations.join(' + ') }).join(' · ')}`);
    }
  }
  return { rows, markdown: meshBenchMarkdown(rows, s) };
}

const fixed = (x: number | null, digits: number, unit = '') => (x === null ? '—' : `${x.toFixed(digits)}${unit}`);

function rowCells(r: Pick<MeshBenchRow, 'chamferPercent' | 'coveredShare' | 'pieces' | 'textureError' | 'validatorErrors' | 'wallSeconds' | 'cpuSeconds'> & { iterations: string }): string[] {
  return [
    fixed(r.chamferPercent, 2, ' %'),
    fixed(100 * r.coveredShare, 1, ' %'),
    String(r.pieces),
    fixed(r.textureError, 0),
    String(r.validatorErrors),
    r.iterations,
    fixed(r.wallSeconds, 0),
    fixed(r.cpuSeconds, 0),
  ].map(String);
}

/** Issue 13's bar for the GLB (median over seeds): which of its measures a variant meets. */
function barCheck(m: { chamferPercent: number; coveredShare: number; pieces: number; textureError: number | null; validatorErrors: number }): string {
  const met = [
    m.chamferPercent <= 1.5 && 'Chamfer',
    m.coveredShare >= 0.9 && 'within 2 %',
    m.pieces === 1 && 'one piece',
    m.textureError !== null && m.textureError <= 12 && 'texture',
    m.validatorErrors === 0 && 'validator',
  ].filter(Boolean);
  return met.length === 5 ? 'all' : met.length === 0 ? 'none' : met.join(', ');
}

/** Per object, each variant's medians over seeds (never the best seed), and the bar against them. */
export function meshBenchMarkdown(rows: readonly MeshBenchRow[], s: MeshBenchSettings): string {
  const lines = [
    `Preset ${s.preset}, seeds ${s.seeds.join(', ')}, --threads ${s.threads}; medians over seeds. Texture: mean absolute error against the albedo, worst channel, 1/255. Bar (issue 13): Chamfer ≤ 1.5 %, ≥ 90 % within 2 %, one piece, texture ≤ 12, 0 validator errors.`,
  ];
  for (const objectId of [...new Set(rows.map((r) => r.object))]) {
    lines.push('', `### ${objectId}`, '', '| GLB | Chamfer / size | true surface within 2 % | pieces | texture − albedo | validator errors | iterations | wall (s) | CPU (s) | bar met |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|');
    for (const variant of ['two-stage', 'splats-only'] as const) {
      const rs = rows.filter((r) => r.object === objectId && r.variant === variant);
      if (rs.length === 0) continue;
      const textures = rs.flatMap((r) => (r.textureError === null ? [] : [r.textureError]));
      const m = {
        chamferPercent: median(rs.map((r) => r.chamferPercent)),
        coveredShare: median(rs.map((r) => r.coveredShare)),
        pieces: median(rs.map((r) => r.pieces)),
        textureError: textures.length === rs.length ? median(textures) : null,
        validatorErrors: median(rs.map((r) => r.validatorErrors)),
        wallSeconds: median(rs.map((r) => r.wallSeconds)),
        cpuSeconds: median(rs.map((r) => r.cpuSeconds)),
      };
      const iterations = rs[0]!.iterations.length > 1 ? rs[0]!.iterations.join(' + ') : `${median(rs.map((r) => r.iterations[0]!)).toFixed(0)} (median)`;
      lines.push(`| ${variant} | ${rowCells({ ...m, iterations }).join(' | ')} | ${barCheck(m)} |`);
    }
  }
  return lines.join('\n') + '\n';
}
