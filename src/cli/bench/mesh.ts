import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MESH_BENCH_PROJECT, MeshBenchSettings, runMeshBenchmark } from '../../core/pipeline/bench/mesh-bench';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { formatZodIssues } from '../../shared/zod-issues';
import { KilnError } from '../../shared/errors';
import { threadsOption } from '../run-options';
import type { Benchmark } from './benchmark';

const list = (raw: unknown) => String(raw).split(',').map((s) => s.trim()).filter(Boolean);

export const meshBenchmark: Benchmark = {
  name: 'mesh',
  summary: `the GLB an artist ships per demo object: the default two-stage run vs splats only at equal wall time, against the exact surface (Chamfer, within 2 %, pieces, texture, validator; medians over seeds; runs kept in the project "${MESH_BENCH_PROJECT}")`,
  options: {
    objects: { type: 'string' },
    seeds: { type: 'string' },
    preset: { type: 'string' },
    iters: { type: 'string' },
    'mesh-iters': { type: 'string' },
    threads: { type: 'string' },
    samples: { type: 'string' },
    out: { type: 'string' },
    home: { type: 'string' },
  },
  async run({ values, json }, io) {
    const parsed = MeshBenchSettings.safeParse({
      ...(values.objects !== undefined ? { objects: list(values.objects) } : {}),
      ...(values.seeds !== undefined ? { seeds: list(values.seeds).map(Number) } : {}),
      ...(values.preset !== undefined ? { preset: values.preset } : {}),
      ...(values.iters !== undefined ? { gaussianIterations: Number(values.iters) } : {}),
      ...(values['mesh-iters'] !== undefined ? { meshIterations: Number(values['mesh-iters']) } : {}),
      ...(values.samples !== undefined ? { samples: Number(values.samples) } : {}),
      threads: threadsOption(values, availableParallelism()),
    });
    if (!parsed.success) throw new KilnError('invalid-request', `invalid benchmark settings: ${formatZodIssues(parsed.error)}`);
    const settings = parsed.data;
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    const out = resolve(String(values.out ?? join(home, 'bench', 'mesh')));
    mkdirSync(out, { recursive: true });
    const store = openKilnStore(home);
    try {
      const result = await runMeshBenchmark(store, settings, out, (line) => !json && io.out(line + '\n'));
      writeFileSync(join(out, 'mesh.md'), result.markdown);
      const report = { benchmark: 'mesh', settings, rows: result.rows, out };
      writeFileSync(join(out, 'mesh.json'), JSON.stringify(report, null, 2));
      io.out(json ? JSON.stringify(report, null, 2) + '\n' : `\n${result.markdown}\nGLBs, mesh.md and mesh.json in ${out}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
