import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeshBenchRow } from '../../../src/core/pipeline/bench/mesh-bench';
import { glbValidatorErrors } from '../../../src/core/pipeline/bench/glb-validation';
import { kilnInProcess } from '../../helpers/kiln-in-process';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-bench-mesh-');
afterAll(() => temp.cleanup());

const kiln = (...argv: string[]) => kilnInProcess(temp.home, ...argv);

interface GlbScore {
  rows: { file: string; triangles: number; pieces: number; chamferPercent: number; coveredShare: number; albedoError: number[] | null }[];
}

describe('kiln bench mesh', () => {
  it('runs the two-stage GLB and a longer splats-only run of one object and seed, and scores the GLBs it wrote', async () => {
    const out = join(temp.home, 'bench-out');
    const r = await kiln('bench', 'mesh', '--objects', 'torus', '--seeds', '0', '--preset', 'fast', '--iters', '30', '--mesh-iters', '6', '--samples', '4000', '--threads', '1', '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { settings: { objects: string[]; seeds: number[]; preset: string }; rows: MeshBenchRow[]; out: string };
    expect(report.settings).toMatchObject({ objects: ['torus'], seeds: [0], preset: 'fast', samples: 4000 });
    expect(JSON.parse(readFileSync(join(out, 'mesh.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(out, 'mesh.md'), 'utf8')).toMatch(/### torus[\s\S]*\| two-stage \|[\s\S]*\| splats-only \|/);

    const [twoStage, splatsOnly] = report.rows;
    expect(report.rows.map((row) => [row.object, row.seed, row.variant])).toEqual([['torus', 0, 'two-stage'], ['torus', 0, 'splats-only']]);
    expect(twoStage!.iterations).toEqual([30, 6]);
    // Given the mesh stage's time too, the splats-only run trains its Gaussians for longer.
    expect(splatsOnly!.iterations).toHaveLength(1);
    expect(splatsOnly!.iterations[0]).toBeGreaterThan(30);
    expect(twoStage!.runId).not.toBe(splatsOnly!.runId);

    // Every number is the GLB's on disk: `bench glb-score` on the same files agrees exactly.
    const score = await kiln('bench', 'glb-score', '--object', 'torus', '--files', `${twoStage!.glb},${splatsOnly!.glb}`, '--samples', '4000', '--json');
    expect(score.code, score.err).toBe(0);
    const scored = (JSON.parse(score.out) as GlbScore).rows;
    for (const [k, row] of report.rows.entries()) {
      expect(existsSync(row.glb)).toBe(true);
      expect(row.chamferPercent).toBe(scored[k]!.chamferPercent);
      expect(row.coveredShare).toBe(scored[k]!.coveredShare);
      expect(row.pieces).toBe(scored[k]!.pieces);
      expect(row.triangles).toBe(scored[k]!.triangles);
      expect(row.textureError).toBe(Math.max(...scored[k]!.albedoError!));
      expect(row.validatorErrors).toBe((await glbValidatorErrors(new Uint8Array(readFileSync(row.glb)))).count);
      expect(row.wallSeconds).toBeGreaterThan(0);
      expect(row.cpuSeconds).toBeGreaterThan(0);
    }
    // Two different products: the mesh stage's surface and marching cubes over the splats.
    expect(twoStage!.triangles).not.toBe(splatsOnly!.triangles);

    // Both runs are recorded in the home, where the studio or `kiln export` can open them again.
    const runs = await kiln('runs', '--project', 'bench mesh', '--json');
    expect(runs.code, runs.err).toBe(0);
    expect(runs.out).toContain(twoStage!.runId);
    expect(runs.out).toContain(splatsOnly!.runId);
  }, 900_000);

  it('refuses an object that is not a demo object, naming those that are', async () => {
    const r = await kiln('bench', 'mesh', '--objects', 'teapot');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/objects are demo objects: .*snowman/);
  });
});
