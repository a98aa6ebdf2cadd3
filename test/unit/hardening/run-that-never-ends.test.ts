import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { StudioService } from '../../../src/core/studio/studio-service';
import { dispatch } from '../../../src/shared/dispatch';
import { KILN_BIN, kilnProcess } from '../../helpers/kiln-process';
import { makeTempHome } from '../../helpers/temp-home';

// Finding 4 of issue 16: `generate --threads 0` recorded a run, then failed on the option, leaving a row "running at
// 0/800" with no process that nothing could end. Options are now all checked before any row is written, and
// `kiln runs cancel` (and the studio's Cancel, runs.stop) ends a run in any state.
const temp = makeTempHome('kiln-never-ends-');
let store: KilnStore;
const kiln = (...args: string[]) => kilnProcess([...args, '--home', temp.home]);
const rowCounts = () => store.db.prepare('SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT COUNT(*) FROM projects) AS projects').get();

/** A run row as a failed start leaves it: marked running, no process (or one that has exited). */
function stuckRun(pid: number | null): string {
  const project = store.projects.findByName('Stuck') ?? store.projects.create('Stuck');
  const run = store.runs.createRun({ projectId: project.id, method: 'vdm', config: { prompt: 'a mug', method: 'vdm' }, seed: 0, targetIterations: 800 });
  if (pid !== null) store.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(pid, run.id);
  return run.id;
}

beforeAll(() => {
  store = openKilnStore(temp.home);
});
afterAll(() => {
  store.close();
  temp.cleanup();
});

describe('options are checked before any row is written', () => {
  it.each([
    ['--threads 0', ['--threads', '0'], /--threads must be from 1 to 1024/],
    ['--iters 0x10', ['--iters', '0x10'], /--iters must be a whole number, not "0x10"/],
    ['--seed 1e3', ['--seed', '1e3'], /--seed must be a whole number/],
    ['a 1000-character --project', ['--project', 'p'.repeat(1000)], /project name must be at most 120 characters/],
    ['a 300-character --name', ['--name', 'n'.repeat(300)], /--name must be at most 200 characters/],
    ['--options [1]', ['--options', '[1]', '--out', 'x.ply'], /--options must be a JSON object/],
    ['a new --project with an unknown word', ['--project', 'Fresh', '--prompt', 'a zeppelin'], /does not know "zeppelin"/],
  ])('kiln generate with %s is refused and records nothing', (_label, args, message) => {
    const result = kiln('generate', '--prompt', 'a mug', ...args);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(rowCounts()).toEqual({ runs: 0, projects: 0 });
  });
});

describe('kiln runs cancel', () => {
  it('ends a run marked running that no process ever picked up, which resume points to', () => {
    const runId = stuckRun(null);
    expect(kiln('resume', runId).err).toContain(`kiln runs cancel ${runId.slice(0, 8)}`);
    const result = kiln('runs', 'cancel', runId.slice(0, 8));
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`Cancelled run ${runId.slice(0, 8)} (it was running)`);
    expect(store.runs.getRun(runId).status).toBe('cancelled');
    expect(kiln('runs', 'cancel', runId).out).toMatch(/had already ended \(cancelled\)/);
  });

  it('ends a run whose process died (interrupted) and keeps its error', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const runId = stuckRun(dead);
    store.db.prepare("UPDATE runs SET error = 'engine crashed' WHERE id = ?").run(runId);
    expect(kiln('runs', 'cancel', runId).out).toContain('(it was interrupted)');
    expect(store.runs.getRun(runId)).toMatchObject({ status: 'cancelled', error: 'engine crashed' });
  });

  it('stops a run another kiln process is working on, then marks it cancelled', async () => {
    const child = spawn(process.execPath, [KILN_BIN, 'generate', '--prompt', 'a mug', '--project', 'Live', '--iters', '5000', '--gaussians', '300', '--batch', '1', '--threads', '1', '--home', temp.home], {
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let runId: string | undefined;
    for (let i = 0; i < 600 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 50));
      runId = store.runs.listRuns().find((r) => r.prompt === 'a mug' && r.pid === child.pid && r.lastIteration > 0)?.id;
    }
    expect(runId).toBeDefined();
    const result = kiln('runs', 'cancel', runId!);
    expect(result.code, result.err).toBe(0);
    expect(await exited).toBe(130); // it stopped after its iteration, with a snapshot
    const run = store.runs.getRun(runId!);
    expect(run.status).toBe('cancelled');
    expect(run.lastIteration).toBeGreaterThan(0);
  }, 120_000);

  it('the studio Cancel (runs.stop) ends a stuck run instead of answering 409', async () => {
    const runId = stuckRun(null);
    const service = new StudioService(temp.home);
    try {
      const outcome = await dispatch(service.handlers, 'runs.stop', { runId, mode: 'cancel' });
      expect(outcome).toMatchObject({ ok: true, result: { id: runId, status: 'cancelled' } });
      const pause = await dispatch(service.handlers, 'runs.stop', { runId: stuckRun(null), mode: 'pause' });
      expect(pause).toMatchObject({ ok: false, error: { code: 'conflict' } });
    } finally {
      service.close();
    }
  });
});
