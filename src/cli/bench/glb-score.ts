import { existsSync, readFileSync } from 'node:fs';
import { glbFidelity } from '../../core/pipeline/bench/glb-fidelity';
import { KilnError } from '../../shared/errors';
import { wholeNumberOption } from '../run-options';
import type { Benchmark } from './benchmark';

/**
 * Scores GLB files of a demo object against its exact surface, e.g. the README job both ways:
 *   kiln generate --prompt "a snowman" --seed 0 --out a.glb --options '{"pivot":"origin"}'     (splats, then a mesh)
 *   kiln generate --prompt "a snowman" --seed 0 --out b.glb --options '{"pivot":"origin"}' \
 *     --stages '[{"representation":"gaussians"}]'                                              (splats only)
 *   kiln bench glb-score --object snowman --files a.glb,b.glb
 */
export const glbScoreBenchmark: Benchmark = {
  name: 'glb-score',
  summary: 'GLBs of a demo object (exported with pivot origin) against its exact surface: Chamfer, surface within 2 %, pieces, texture vs albedo (--object ID --files a.glb,b.glb [--samples N])',
  options: { object: { type: 'string' }, files: { type: 'string' }, samples: { type: 'string' } },
  async run({ values, json }, io) {
    const files = String(values.files ?? '').split(',').filter(Boolean);
    if (values.object === undefined || files.length === 0) throw new KilnError('invalid-request', 'give --object (a demo object id, e.g. snowman) and --files a.glb,b.glb');
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) throw new KilnError('not-found', `no such file: ${missing.join(', ')}`);
    const samples = wholeNumberOption(values, 'samples');
    if (samples !== undefined && samples < 100) throw new KilnError('invalid-request', `--samples must be at least 100, not ${samples}`);
    const rows = [];
    if (!json) io.out('| file | triangles | pieces | Chamfer (mm) | Chamfer / size | true surface within 2 % | texture − albedo (R G B, /255) |\n|---|--:|--:|--:|--:|--:|--:|\n');
    for (const file of files) {
      const r = { file, ...(await glbFidelity(new Uint8Array(readFileSync(file)), String(values.object), samples)) };
      rows.push(r);
      if (!json) io.out(`| ${file} | ${r.triangles} | ${r.pieces} | ${(1000 * r.chamferM).toFixed(1)} | ${r.chamferPercent.toFixed(2)} % | ${(100 * r.coveredShare).toFixed(1)} % | ${r.albedoError?.map((e) => e.toFixed(1)).join(' ') ?? 'no texture'} |\n`);
    }
    if (json) io.out(JSON.stringify({ benchmark: 'glb-score', object: values.object, rows }, null, 2) + '\n');
    return 0;
  },
};
