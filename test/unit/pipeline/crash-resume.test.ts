import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveStatus } from '../../../src/core/pipeline/run-control';
import { Rng } from '../../../src/core/random/rng';
import { databasePath } from '../../../src/core/store/kiln-home';
import { openKilnStore } from '../../../src/core/store/kiln-store';
import { makeTempHome } from '../../helpers/temp-home';

// A real `kiln generate` child process, killed with SIGKILL at random moments, then `kiln resume`d.
const KILN = join(resolve(__dirname, '../../..'), 'bin', 'kiln.mjs');
const temp = makeTempHome('kiln-crash-');
const ARGS = ['--prompt', 'a blue cube', '--seed', '5', '--iters', '30', '--snapshot-every', '4', '--batch', '1', '--gaussians', '300', '--threads', '1'];
/** The same budget in two stages (two Gaussian stages with different methods): kills land around the boundary. */
const STAGES = JSON.stringify([
  { representation: 'gaussians', iterations: 15, method: 'sds' },
  { representation: 'gaussians', iterations: 15, method: 'ism' },
]);
const TWO_STAGE_ARGS = [...ARGS, '--stages', STAGES];
/** The same budget as splats then a DMTet mesh on the coarsest grid (faint splats: a low initial surface density). */
const MESH_ARGS = [
  ...ARGS,
  '--stages',
  JSON.stringify([
    { representation: 'gaussians', iterations: 24 },
    { representation: 'dmtet', iterations: 6, settings: { gridResolution: 32, initThreshold: 0.1 } },
  ]),
];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function kiln(args: string[]): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [KILN, ...args, '--home', temp.home, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Exit>((res) => child.on('exit', (code, signal) => res({ code, signal, out, err })));
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs, and snapshots committed by the newest run (read through a separate connection, as another process would). */
function progress(): { runs: number; snapshots: number } {
  const db = new BetterSqlite3(databasePath(temp.home), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM runs) AS runs,
                (SELECT COUNT(*) FROM snapshots WHERE run_id = (SELECT id FROM runs ORDER BY rowid DESC LIMIT 1)) AS snapshots`,
      )
      .get() as { runs: number; snapshots: number };
  } catch {
    return { runs: 0, snapshots: 0 }; // the database or its tables may not exist yet
  } finally {
    db.close();
  }
}

/** Starts `kiln generate` and resolves once its own run has committed `snapshots` snapshots. */
async function generateUntil(project: string, snapshots: number, args = ARGS) {
  const runsBefore = progress().runs;
  const started = kiln(['generate', ...args, '--project', project]);
  await waitFor(() => {
    const p = progress();
    return p.runs > runsBefore && p.snapshots >= snapshots;
  }, 60_000);
  return started;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the child process');
    await sleep(20);
  }
}

/** The final payload of an uninterrupted run. */
async function referencePayload(args: string[], project: string): Promise<string> {
  const exit = await kiln(['generate', ...args, '--project', project]).done;
  expect(exit.code, exit.err).toBe(0);
  const store = openKilnStore(temp.home);
  try {
    return store.runs.latestSnapshot((JSON.parse(exit.out) as { id: string }).id)!.payloadBlob;
  } finally {
    store.close();
  }
}

/** Kills `kiln generate` with SIGKILL after `afterSnapshots` snapshots and `delayMs`, checks the database, resumes. */
async function killAndResume(args: string[], afterSnapshots: number, delayMs: number) {
  const { child, done } = await generateUntil('crash', afterSnapshots, args);
  await sleep(delayMs);
  child.kill('SIGKILL');
  const killed = await done;
  expect(killed.signal, 'the run finished before the kill: lengthen it').toBe('SIGKILL');
  const store = openKilnStore(temp.home);
  try {
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const run = store.runs.listRuns().at(-1)!;
    expect(liveStatus(run)).toBe('interrupted');
    const resumed = await kiln(['resume', run.id.slice(0, 8)]).done;
    expect(resumed.code, resumed.err).toBe(0);
    expect(JSON.parse(resumed.out).status).toBe('completed');
    const snapshots = store.runs.listSnapshots(run.id);
    const iterations = snapshots.map((s) => s.iteration);
    expect(iterations.every((it, k) => k === 0 || it > iterations[k - 1]!)).toBe(true);
    expect(iterations.at(-1)).toBe(30);
    for (const s of snapshots) store.blobs.read(s.payloadBlob, { verify: true });
    return snapshots;
  } finally {
    store.close();
  }
}

let referenceSplats: string;

beforeAll(async () => {
  referenceSplats = await referencePayload(ARGS, 'reference');
}, 120_000);

afterAll(() => temp.cleanup());

describe('a run killed with SIGKILL at random moments', () => {
  const rng = new Rng(2024);
  const trials = Array.from({ length: 5 }, (_, i) => ({ trial: i + 1, afterSnapshots: rng.int(1, 6), delayMs: rng.int(0, 120) }));

  it.each(trials)('trial $trial: killed after $afterSnapshots snapshots + $delayMs ms, the database is intact and resume finishes identically', async ({ afterSnapshots, delayMs }) => {
    const snapshots = await killAndResume(ARGS, afterSnapshots, delayMs);
    expect(snapshots.at(-1)!.payloadBlob).toBe(referenceSplats);
  }, 120_000);

  it('stops cleanly on Ctrl-C (SIGINT) after the current iteration, and resumes to the same result', async () => {
    const { child, done } = await generateUntil('interrupt', 2);
    child.kill('SIGINT');
    const exit = await done;
    expect(exit.code).toBe(130);
    expect(exit.err).toMatch(/kiln resume [0-9a-f]{8}/);
    const run = JSON.parse(exit.out) as { id: string; status: string; lastIteration: number };
    expect(run.status).toBe('paused');
    expect(run.lastIteration).toBeGreaterThan(0);
    const resumed = await kiln(['resume', run.id]).done;
    expect(resumed.code, resumed.err).toBe(0);
    const store = openKilnStore(temp.home);
    try {
      expect(store.runs.latestSnapshot(run.id)!.payloadBlob).toBe(referenceSplats);
    } finally {
      store.close();
    }
  }, 120_000);
});

describe('a two-stage run killed around its stage boundary', () => {
  let reference: string;
  beforeAll(async () => {
    reference = await referencePayload(TWO_STAGE_ARGS, 'reference-stages');
  }, 120_000);

  // Stage 0 snapshots at 0, 1, 4, 8, 12 and 15 (its last, the boundary); stage 1 at 16, 19, 23, 27, 30.
  it.each([5, 6, 7])('killed after %i snapshots, resumes into the right stage and finishes identically', async (afterSnapshots) => {
    const snapshots = await killAndResume(TWO_STAGE_ARGS, afterSnapshots, 0);
    expect(snapshots.map((s) => [s.iteration, s.stage])).toEqual([0, 1, 4, 8, 12, 15, 16, 19, 23, 27, 30].map((it) => [it, it <= 15 ? 0 : 1]));
    expect(snapshots.at(-1)!.payloadBlob).toBe(reference);
  }, 120_000);
});

describe('a run killed inside its DMTet stage', () => {
  // Stage 0 snapshots at 0, 1, 2, 4, …, 24; the mesh stage at 28 and 30: the kill lands after 28.
  it('resumes the mesh stage from its checkpoint and finishes with the same mesh', async () => {
    const reference = await referencePayload(MESH_ARGS, 'reference-mesh');
    const snapshots = await killAndResume(MESH_ARGS, 10, 0);
    expect(snapshots.filter((s) => s.stage === 1).map((s) => [s.iteration, s.payloadKind])).toEqual([[28, 'mesh'], [30, 'mesh']]);
    expect(snapshots.at(-1)!.payloadBlob).toBe(reference);
  }, 240_000);
});
