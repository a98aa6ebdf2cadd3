import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kilnInProcess } from '../../helpers/kiln-in-process';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-cli-runs-');
afterAll(() => temp.cleanup());

const kiln = (...argv: string[]) => kilnInProcess(temp.home, ...argv);

describe('kiln generate, runs, branch and export', () => {
  it('generates into the default project, lists the run, branches from a snapshot and exports it', async () => {
    const generated = await kiln('generate', '--prompt', 'a torus', '--iters', '4', '--snapshot-every', '2', '--gaussians', '200', '--batch', '1', '--threads', '1', '--json');
    expect(generated.code, generated.err).toBe(0);
    const run = JSON.parse(generated.out) as { id: string; status: string; lastIteration: number };
    expect(run).toMatchObject({ status: 'completed', lastIteration: 4 });
    expect(generated.err).toMatch(/^4\/4 \(100%\)/m); // plain progress lines when not on a terminal

    const projects = await kiln('projects', '--json');
    expect(JSON.parse(projects.out).map((p: { name: string }) => p.name)).toEqual(['Default']);

    const branched = await kiln('branch', run.id.slice(0, 8), '--at', '2', '--method', 'ism', '--iters', '2', '--threads', '1', '--json');
    expect(branched.code, branched.err).toBe(0);
    const branch = JSON.parse(branched.out) as { id: string; parentRunId: string; parentIteration: number; method: string };
    expect(branch).toMatchObject({ parentRunId: run.id, parentIteration: 2, method: 'ism' });

    const table = await kiln('runs');
    expect(table.out).toMatch(new RegExp(`${branch.id.slice(0, 8)}\\s+completed\\s+2/2\\s+ism\\s+${run.id.slice(0, 8)}@2`));

    const file = join(temp.home, 'torus.spz');
    const exported = await kiln('export', branch.id, '--out', file, '--json');
    expect(exported.code, exported.err).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({ format: 'spz', iteration: 2 });
    expect(existsSync(file)).toBe(true);
  }, 120_000);

  it('says what is wrong with a bad command line', async () => {
    expect((await kiln('generate')).err).toMatch(/give a prompt/);
    expect((await kiln('generate', '--prompt', 'a mug', '--iters', 'ten')).err).toMatch(/--iters must be a whole number/);
    expect((await kiln('generate', '--prompt', 'a mug', '--method-settings', '{oops')).err).toMatch(/--method-settings must be a JSON object/);
    expect((await kiln('generate', '--prompt', 'a mug', '--out', 'mug.fbx')).err).toMatch(/cannot tell the export format from "mug.fbx"/);
    expect((await kiln('resume', 'ffffffff')).err).toMatch(/no run with id "ffffffff"/);
    expect((await kiln('branch', 'ffffffff')).err).toMatch(/--at ITER/);
    const runs = JSON.parse((await kiln('runs', '--json')).out) as unknown[];
    expect(runs.length).toBe(2); // nothing was recorded by the refused commands
  });
});
