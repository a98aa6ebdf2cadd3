import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kilnInProcess } from '../../helpers/kiln-in-process';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-cli-generate-glb-');
afterAll(() => temp.cleanup());

const kiln = (...argv: string[]) => kilnInProcess(temp.home, ...argv);
const TINY = ['--iters', '4', '--gaussians', '300', '--batch', '1', '--threads', '1', '--json'];

interface GeneratedRun {
  lastIteration: number;
  config: { stages: { representation: string; method: string }[] };
  export: { format: string; iteration: number };
}

describe('kiln generate --out FILE.glb', () => {
  it('runs Gaussians then a DMTet mesh stage guided by the preset, and writes the GLB from the mesh', async () => {
    const file = join(temp.home, 'cube.glb');
    const generated = await kiln('generate', '--prompt', 'a red cube', '--out', file, ...TINY);
    expect(generated.code, generated.err).toBe(0);
    const run = JSON.parse(generated.out) as GeneratedRun;
    expect(run.config.stages.map((s) => [s.representation, s.method])).toEqual([['gaussians', 'vdm'], ['dmtet', 'sds']]);
    expect(run.lastIteration).toBe(8); // --iters applies to each stage
    expect(run.export).toMatchObject({ format: 'glb', iteration: 8 });
    expect(existsSync(file)).toBe(true);
  }, 240_000);

  it('keeps the splats-only GLB when --stages names only the Gaussians, and one stage for a splat format', async () => {
    // Four iterations of splats are too faint for the exporter's iso-level 0.5 (the mesh stage's hull start is not).
    const splatsOnly = await kiln('generate', '--prompt', 'a red cube', '--out', join(temp.home, 'splats.glb'), '--stages', '[{"representation":"gaussians"}]', '--options', '{"isoLevel":0.05}', ...TINY);
    expect(splatsOnly.code, splatsOnly.err).toBe(0);
    const glb = JSON.parse(splatsOnly.out) as GeneratedRun;
    expect(glb.config.stages.map((s) => s.representation)).toEqual(['gaussians']);
    expect(glb.export).toMatchObject({ format: 'glb', iteration: 4 });
    const ply = JSON.parse((await kiln('generate', '--prompt', 'a red cube', '--out', join(temp.home, 'cube.ply'), ...TINY)).out) as GeneratedRun;
    expect(ply.config.stages.map((s) => s.representation)).toEqual(['gaussians']);
  }, 240_000);
});
