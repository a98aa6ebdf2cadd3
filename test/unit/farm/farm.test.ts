import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeyFor, signFarmRequest } from '../../../src/core/farm/farm-auth';
import { FARM_QUEUE, openRedis } from '../../../src/core/farm/farm-queue';
import { defaultSnapshotEvery, isSnapshotIteration } from '../../../src/core/pipeline/run-config';
import { callApi, kilnProcessAsync, startBackgroundKiln, startServeProcess, type BackgroundKiln, type ServeProcess } from '../../helpers/kiln-process';
import { startRedis, type RedisProcess } from '../../helpers/redis-server';
import { makeTempHome } from '../../helpers/temp-home';

// The farm with real processes (docs/architecture.md, "The farm"): a Redis, `kiln serve --farm`, three `kiln worker`s.
// Needs `npm run build:cli`.

const TOKEN = 'farm-test-token-0123456789';
const TINY = { prompt: 'a snowman', preset: 'fast', iterations: 6 } as const;
/** Long enough to be killed in the middle, short enough for a busy 2-core machine. */
const VICTIM = { prompt: 'a mug', preset: 'fast', iterations: 20, seed: 99 } as const;

interface WireRun {
  id: string;
  status: string;
  error: string | null;
  worker?: string | null;
  lastIteration: number;
  targetIterations: number;
}

let redis: RedisProcess;
let serve: ServeProcess;
let studio: ReturnType<typeof makeTempHome>;
let workerHome: ReturnType<typeof makeTempHome>;
let projectId: string;
const workers: BackgroundKiln[] = [];

async function startWorker(): Promise<BackgroundKiln> {
  const worker = await startBackgroundKiln(
    ['worker', '--queue', redis.url, '--home', workerHome.home, '--threads', '1', '--lock-seconds', '4', '--models', join(workerHome.home, 'no-packs-here'), '--token', TOKEN],
    /taking runs from/,
  );
  workers.push(worker);
  return worker;
}

async function api<T>(method: string, body: unknown): Promise<T> {
  const res = await callApi(serve.url, method, body);
  if (res.error) throw new Error(`${method}: ${res.error.message}`);
  return res.result as T;
}

const startRun = (request: object) => api<WireRun>('runs.start', { projectId, request });
const getRun = (runId: string) => api<WireRun>('runs.get', { runId });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${workers.map((w) => w.output()).join('\n')}\n${serve.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function finalPayload(home: string, runId: string): string {
  const db = new Database(join(home, 'kiln.db'), { readonly: true });
  try {
    return (db.prepare('SELECT payload_blob FROM snapshots WHERE run_id = ? ORDER BY iteration DESC LIMIT 1').get(runId) as { payload_blob: string }).payload_blob;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  redis = await startRedis({ persistent: true });
  studio = makeTempHome('kiln-farm-studio-');
  workerHome = makeTempHome('kiln-farm-worker-');
  mkdirSync(join(workerHome.home, 'no-packs-here'));
  serve = await startServeProcess(studio.home, ['--farm', redis.url, '--token', TOKEN]);
  await Promise.all([startWorker(), startWorker(), startWorker()]);
  projectId = (await api<{ id: string }>('projects.create', { name: 'farm' })).id;
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await serve?.stop();
  await redis?.stop();
  studio?.cleanup();
  workerHome?.cleanup();
});

describe('kiln serve --farm with kiln worker processes', () => {
  it('runs 12 queued runs on 3 workers through a kill -9 of one worker and a Redis restart, losing and duplicating nothing', async () => {
    const local = makeTempHome('kiln-farm-local-');
    try {
      // The same config run locally meanwhile, for the bit-identical check.
      const reference = kilnProcessAsync(['generate', '--prompt', VICTIM.prompt, '--preset', VICTIM.preset, '--iters', String(VICTIM.iterations), '--seed', String(VICTIM.seed), '--threads', '1', '--json', '--home', local.home]);
      const victim = await startRun(VICTIM);
      const tiny = [];
      for (let seed = 0; seed < 11; seed++) tiny.push(await startRun({ ...TINY, seed }));
      const runs = [victim, ...tiny];

      // kill -9 the worker running the long run once it has committed a few snapshots.
      const taken = await waitFor('the long run to be under way', async () => {
        const run = await getRun(victim.id);
        return run.worker && run.lastIteration >= 3 && run.lastIteration < VICTIM.iterations ? run : undefined;
      });
      const pid = Number(taken.worker!.split(':').at(-1));
      const killed = workers.find((w) => w.child.pid === pid)!;
      expect(killed).toBeDefined();
      killed.child.kill('SIGKILL');
      await startWorker(); // the farm keeps three workers

      // Redis goes away (kill -9) and comes back once some runs are done.
      await waitFor('some runs to complete', async () => ((await api<WireRun[]>('runs.list', { projectId })).filter((r) => r.status === 'completed').length >= 3 ? true : undefined));
      await redis.restart();

      const done = await waitFor('every run to complete', async () => {
        const all = await api<WireRun[]>('runs.list', { projectId });
        const failed = all.find((r) => r.status === 'failed');
        if (failed) throw new Error(`run ${failed.id} failed: ${failed.error}`);
        return all.length === runs.length && all.every((r) => r.status === 'completed') ? all : undefined;
      }, 80_000);

      const localResult = await reference;
      expect(localResult.code, localResult.err).toBe(0);
      const localRun = JSON.parse(localResult.out) as { id: string };
      const resumed = done.find((r) => r.id === victim.id)!;
      expect(resumed.worker).not.toBe(taken.worker); // finished elsewhere
      expect(finalPayload(studio.home, victim.id)).toBe(finalPayload(local.home, localRun.id));

      const db = new Database(join(studio.home, 'kiln.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        for (const run of done) {
          const rows = db.prepare('SELECT iteration, checkpoint_blob FROM snapshots WHERE run_id = ? ORDER BY iteration').all(run.id) as { iteration: number; checkpoint_blob: string | null }[];
          const every = defaultSnapshotEvery(run.targetIterations);
          const expected = Array.from({ length: run.targetIterations + 1 }, (_, i) => i).filter((i) => isSnapshotIteration(i, run.targetIterations, every));
          expect(rows.map((r) => r.iteration)).toEqual(expected);
          expect(rows.filter((r) => r.checkpoint_blob !== null).map((r) => r.iteration)).toEqual([run.targetIterations]);
        }
      } finally {
        db.close();
      }
    } finally {
      local.cleanup();
    }
  }, 150_000);

  it('fails a bad job once with its clear error: an unknown method, a model pack the worker lacks', async () => {
    const connection = openRedis(redis.url);
    const queue = new Queue(FARM_QUEUE, { connection });
    try {
      const badId = `${randomUUID()}.1`;
      const config = { version: 2, model: 'demo', stages: [{ representation: 'gaussians', method: 'nope' }] };
      await queue.add('run', { runId: badId.split('.')[0], config, studioUrl: serve.url, jobKey: '0'.repeat(64) }, { jobId: badId, attempts: 5 });

      const packRun = await startRun({ ...TINY, model: join(workerHome.home, 'models', 'demo-pixel') });
      const failed = await waitFor('the pack-less run to fail', async () => {
        const run = await getRun(packRun.id);
        return run.status === 'failed' ? run : undefined;
      });
      expect(failed.error).toMatch(/has no model pack "demo-pixel"/);

      const bad = await waitFor('the bad job to fail', async () => {
        const job = await queue.getJob(badId); // read after the failure is recorded, with its reason
        return job?.finishedOn !== undefined ? job : undefined;
      });
      expect(bad!.failedReason).toMatch(/does not know the method "nope"/);
      expect(bad!.attemptsMade).toBe(1);
      const packJobs = (await queue.getFailed()).filter((j) => j.data.runId === packRun.id);
      expect(packJobs.map((j) => j.attemptsMade)).toEqual([1]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);

  it('carries a pause, a resume and a cancel from the studio to the worker running the run', async () => {
    // Long enough that the pause lands mid-run (uploads trail the engine by a few snapshots on a busy machine).
    const run = await startRun({ ...VICTIM, iterations: 300, seed: 5 });
    const progressPast = (iteration: number) =>
      waitFor(`run ${run.id} to pass iteration ${iteration} on a worker`, async () => {
        const now = await getRun(run.id);
        return now.status === 'running' && now.worker && now.lastIteration > iteration ? now : undefined;
      });
    const becomes = (status: string) => waitFor(`run ${run.id} to be ${status}`, async () => ((await getRun(run.id)).status === status ? getRun(run.id) : undefined));

    await progressPast(1);
    await api('runs.stop', { runId: run.id, mode: 'pause' });
    const paused = await becomes('paused');
    expect(paused.lastIteration).toBeLessThan(300);

    await api('runs.resume', { runId: run.id });
    await progressPast(paused.lastIteration);
    await api('runs.stop', { runId: run.id, mode: 'cancel' });
    const stoppedAt = (await becomes('cancelled')).lastIteration;
    expect(stoppedAt).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await getRun(run.id)).lastIteration).toBe(stoppedAt); // the worker wrote nothing more
  }, 60_000);

  it('kiln generate --server runs in the studio: waiting with live progress, or printing the run id with --detach', async () => {
    const args = ['generate', '--prompt', 'a snowman', '--preset', 'fast', '--iters', '6', '--seed', '3', '--server', serve.url, '--project', 'farm'];
    const waited = await kilnProcessAsync(args);
    expect(waited.code, waited.err).toBe(0);
    expect(waited.out).toMatch(/6\/6 \(100%\)/);
    expect(waited.out).toMatch(/: completed at iteration 6\/6/);

    const detached = await kilnProcessAsync([...args, '--detach']);
    expect(detached.code, detached.err).toBe(0);
    const runId = detached.out.trim();
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor('the detached run to complete', async () => ((await getRun(runId)).status === 'completed' ? true : undefined));
  }, 60_000);

  it('runs a photo run on a worker (which fetches the photo from the studio), ending as the same run on this machine', async () => {
    const photo = readFileSync(join(__dirname, '../../../resources/reference-samples/mug-cutout.png')).toString('base64');
    const request = { referenceImage: { data: photo, name: 'mug-cutout.png' }, method: 'sds', preset: 'fast', iterations: 4, seed: 5 };
    const onFarm = await startRun(request);
    const local = await api<WireRun>('runs.start', { projectId, request, runOn: 'this-machine' });
    const ended = async (id: string) => {
      const now = await getRun(id);
      if (now.status === 'failed') throw new Error(now.error ?? 'failed');
      return now.status === 'completed' ? now : undefined;
    };
    const [farmDone, localDone] = await Promise.all([waitFor('the farm photo run', () => ended(onFarm.id)), waitFor('the local photo run', () => ended(local.id))]);
    expect(farmDone.worker).toBeTruthy();
    expect(localDone.worker).toBeNull();
    expect(finalPayload(studio.home, onFarm.id)).toBe(finalPayload(studio.home, local.id));
  }, 60_000);

  it("says it has a farm, and runs a run asked for on this machine in its own engine process", async () => {
    expect((await api<{ farm: boolean }>('engine.info', {})).farm).toBe(true);
    const run = await api<WireRun>('runs.start', { projectId, request: { ...TINY, seed: 4 }, runOn: 'this-machine' });
    const done = await waitFor('the local run to complete', async () => {
      const now = await getRun(run.id);
      return now.status === 'completed' ? now : undefined;
    });
    expect(done.worker).toBeNull();
  }, 30_000);

  it('refuses uploads without the farm token, with a wrong one, or into a run that is not the job’s', async () => {
    const [mine, other] = [await startRun(TINY), await startRun({ ...TINY, seed: 7 })];
    const secret = readFileSync(join(studio.home, 'farm-job-secret'), 'utf8').trim();
    const hash = 'ab'.repeat(32);
    const put = (runId: string, headers: Record<string, string>) => {
      const path = `/farm/v1/runs/${runId}/blobs/${hash}`;
      return fetch(serve.url + path, { method: 'PUT', body: new Uint8Array([1, 2, 3]), headers });
    };
    const signed = (runId: string, token: string, method = 'PUT', suffix = `/blobs/${hash}`) => signFarmRequest(token, method, `/farm/v1/runs/${runId}${suffix}`);

    expect((await put(mine.id, {})).status).toBe(401);
    expect((await put(mine.id, { 'x-kiln-farm-auth': signed(mine.id, 'not-the-farm-token-at-all'), 'x-kiln-job-key': jobKeyFor(secret, mine.id) })).status).toBe(401);
    // The farm token but the key of another run's job: refused, for blobs and rows alike.
    const intoOther = await put(other.id, { 'x-kiln-farm-auth': signed(other.id, TOKEN), 'x-kiln-job-key': jobKeyFor(secret, mine.id) });
    expect(intoOther.status).toBe(403);
    expect(((await intoOther.json()) as { error: { message: string } }).error.message).toMatch(/writes only into the run of its job/);
    const row = await fetch(`${serve.url}/farm/v1/runs/${other.id}/snapshots`, {
      method: 'POST',
      body: JSON.stringify({ iteration: 1, stage: 0, gaussians: 1, payloadKind: 'splats', payloadBlob: hash, checkpointBlob: null, thumbnailBlob: null, metrics: {} }),
      headers: { 'content-type': 'application/json', 'x-kiln-farm-auth': signed(other.id, TOKEN, 'POST', '/snapshots'), 'x-kiln-job-key': jobKeyFor(secret, mine.id) },
    });
    expect(row.status).toBe(403);
    // Its own run with the right key: the bytes are checked against their name.
    const damaged = await put(mine.id, { 'x-kiln-farm-auth': signed(mine.id, TOKEN), 'x-kiln-job-key': jobKeyFor(secret, mine.id) });
    expect(damaged.status).toBe(400);
    for (const run of [mine, other]) await api('runs.stop', { runId: run.id, mode: 'cancel' });
  }, 30_000);
});
