import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { glbFidelity, type GlbFidelity } from '../../core/pipeline/bench/glb-fidelity';
import { DemoMeshFitSettings, fitDemoMeshModel, type DemoMeshFitResult } from '../../core/scene/dmtet/demo-mesh-fit';
import { exportMeshSnapshotGlb } from '../../core/scene/dmtet/mesh-snapshot-glb';
import { KilnError } from '../../shared/errors';
import { formatZodIssues } from '../../shared/zod-issues';
import type { Benchmark } from './benchmark';

const OBJECTS = ['sphere', 'snowman', 'mug', 'torus', 'table'];

/** The issue's acceptance bar for the DMTet stage alone (issue 13). */
const BAR = { chamferPercent: 1, heldOutPsnr: 30 };

function parseModelSettings(raw: unknown): Record<string, unknown> {
  try {
    return JSON.parse(String(raw)) as Record<string, unknown>;
  } catch {
    throw new KilnError('invalid-request', `--model must be JSON DMTet settings, e.g. '{"sdfLrPerCell":0.1}'`);
  }
}

const row = (r: DemoMeshFitResult) =>
  `| ${r.object.padEnd(8)} | ${String(r.iterations).padStart(5)} | ${String(r.gridResolution).padStart(4)} | ${String(r.triangles).padStart(7)} | ${r.sizeM.toFixed(3)} | ${(1000 * r.chamferM).toFixed(1).padStart(6)} | ${r.chamferPercent.toFixed(2).padStart(5)} % | ${r.heldOutPsnr.toFixed(2).padStart(6)} | ${r.seconds.toFixed(0).padStart(5)} |`;

const glbRow = (file: string, r: GlbFidelity) =>
  `GLB ${file}: Chamfer ${r.chamferPercent.toFixed(2)} % of size, ${(100 * r.coveredShare).toFixed(1)} % of the true surface within 2 %, ${r.pieces} piece(s), texture − albedo ${r.albedoError?.map((e) => e.toFixed(1)).join(' ') ?? 'none'} /255\n`;

export const meshFitBenchmark: Benchmark = {
  name: 'mesh-fit',
  summary: `the DMTet stage alone fitted to demo objects' exact renders: Chamfer vs the exact surface and held-out PSNR (--objects a,b, --iters N, --init sphere|visual-hull, --seed, --size, --model JSON, --glb DIR writes each fit's GLB as a run exports it, pivot origin, and scores it as glb-score does)`,
  options: { glb: { type: 'string' }, objects: { type: 'string' }, init: { type: 'string' }, iters: { type: 'string' }, seed: { type: 'string' }, size: { type: 'string' }, model: { type: 'string' } },
  async run({ values, json }, io) {
    const objects = values.objects === undefined ? OBJECTS : String(values.objects).split(',').map((s) => s.trim()).filter(Boolean);
    const common = {
      ...(values.iters !== undefined ? { iterations: Number(values.iters) } : {}),
      ...(values.init !== undefined ? { init: String(values.init) } : {}),
      ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
      ...(values.size !== undefined ? { size: Number(values.size) } : {}),
      ...(values.model !== undefined ? { model: parseModelSettings(values.model) } : {}),
    };
    const settings = objects.map((object) => {
      const parsed = DemoMeshFitSettings.safeParse({ object, ...common });
      if (!parsed.success) throw new KilnError('invalid-request', `invalid mesh-fit settings: ${formatZodIssues(parsed.error)}`);
      return parsed.data;
    });
    if (!json) {
      const s = settings[0]!;
      io.out(`kiln bench mesh-fit — DMTet from ${s.init === 'sphere' ? `a sphere of ${s.initialRadiusM} m` : 'the visual hull of the training views'}, ${s.iterations} iterations, ${s.views} views at ${s.size}², batch ${s.batchSize}; bar: Chamfer ≤ ${BAR.chamferPercent} % of size, held-out PSNR ≥ ${BAR.heldOutPsnr} dB\n\n`);
      io.out('| object   | iters | grid | triangles | size (m) | Chamfer (mm) | Chamfer / size | held-out PSNR (dB) | seconds |\n');
      io.out('|----------|------:|-----:|--------:|------:|-------:|--------:|-------:|------:|\n');
    }
    const rows: (DemoMeshFitResult & { glb?: GlbFidelity })[] = [];
    const glbLines: string[] = [];
    if (values.glb !== undefined) mkdirSync(String(values.glb), { recursive: true });
    for (const s of settings) {
      const { result, model } = fitDemoMeshModel(s);
      if (!json) io.out(row(result) + '\n');
      if (values.glb === undefined) {
        rows.push(result);
        continue;
      }
      // The snapshot's GLB path, as `kiln export` and `generate --out X.glb` write a mesh stage's surface.
      const file = join(String(values.glb), `${s.object}.glb`);
      const { glb } = await exportMeshSnapshotGlb(model.snapshotPayload(), { pivot: 'origin' });
      writeFileSync(file, glb);
      const fidelity = await glbFidelity(glb, s.object);
      rows.push({ ...result, glb: fidelity });
      glbLines.push(glbRow(file, fidelity));
    }
    if (!json) for (const line of glbLines) io.out(line);
    if (json) io.out(JSON.stringify({ benchmark: 'mesh-fit', bar: BAR, settings, rows }, null, 2) + '\n');
    return 0;
  },
};
