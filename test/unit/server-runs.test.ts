import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, Snapshot } from '../../src/shared/runs';
import { startStudioHarness, type StudioHarness } from '../helpers/studio-http-harness';
import { makeTempHome } from '../helpers/temp-home';

// Runs through the StudioApi over HTTP + WebSocket, each executed by a real `kiln engine-run` child process.
const temp = makeTempHome('kiln-server-runs-');
let studio: StudioHarness;
let projectId: string;
const call = <T>(method: string, body: unknown) => studio.call<T>(method, body);
const finished = (runId: string) => studio.finished(runId);

const SMALL = { prompt: 'a green cube', iterations: 16, batchSize: 1, initialGaussians: 300, snapshotEvery: 4, seed: 2 };

beforeAll(async () => {
  studio = await startStudioHarness(temp.home);
  projectId = (await call<{ id: string }>('projects.create', { name: 'Runs over HTTP' })).id;
});

afterAll(async () => {
  await studio?.close();
  temp.cleanup();
});

describe('runs over the StudioApi', () => {
  it('starts a run in an engine process and streams progress, snapshots and the end as events', async () => {
    const run = await call<Run>('runs.start', { projectId, request: SMALL });
    expect(run.status).toBe('running');
    // The server answers other calls while the engine works in its own process.
    const listed = await call<Run[]>('runs.list', { projectId });
    expect(listed.map((r) => r.id)).toContain(run.id);
    const done = await finished(run.id);
    expect(done.status).toBe('completed');
    const mine = studio.events.filter((e) => ('run' in e ? e.run.id : 'progress' in e ? e.progress.runId : 'snapshot' in e ? e.snapshot.runId : '') === run.id);
    expect(mine[0]!.type).toBe('run.started');
    expect(mine.some((e) => e.type === 'run.progress')).toBe(true);
    const snapshotEvents = mine.filter((e) => e.type === 'run.snapshot').map((e) => (e.type === 'run.snapshot' ? e.snapshot.iteration : -1));
    const timeline = await call<Snapshot[]>('runs.timeline', { runId: run.id });
    expect(timeline.map((s) => s.iteration)).toEqual(snapshotEvents);
    expect(timeline.at(-1)!.iteration).toBe(16);
    // Thumbnails and splat payloads are served by hash.
    const png = await fetch(`${studio.url}/api/blobs/${timeline.at(-1)!.thumbnailBlob}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    const splats = await fetch(`${studio.url}/api/blobs/${timeline.at(-1)!.payloadBlob}`);
    expect((await splats.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(`${studio.url}/api/blobs/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${studio.url}/api/blobs/..%2Fkiln.db`)).status).toBe(400);
  }, 120_000);

  it('pauses a run on request, resumes it, and branches from one of its snapshots', async () => {
    const run = await call<Run>('runs.start', { projectId, request: { ...SMALL, iterations: 400 } });
    await new Promise<void>((resolve) => {
      const wait = () => (studio.events.some((e) => e.type === 'run.snapshot' && e.snapshot.runId === run.id && e.snapshot.iteration > 0) ? resolve() : setTimeout(wait, 25));
      wait();
    });
    await call('runs.stop', { runId: run.id, mode: 'pause' });
    const paused = await finished(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.lastIteration).toBeGreaterThan(0);
    expect(paused.lastIteration).toBeLessThan(400);

    const branch = await call<Run>('runs.branch', { runId: run.id, iteration: paused.lastIteration, overrides: { method: 'vdm', iterations: 4 } });
    expect(branch.parentRunId).toBe(run.id);
    expect((await finished(branch.id)).status).toBe('completed');
    const branchStart = (await call<Snapshot[]>('runs.timeline', { runId: branch.id }))[0]!;
    const parentAt = (await call<Snapshot[]>('runs.timeline', { runId: run.id })).find((s) => s.iteration === paused.lastIteration)!;
    expect(branchStart.payloadBlob).toBe(parentAt.payloadBlob);

    studio.events.length = 0;
    await call('runs.resume', { runId: run.id });
    await expect(call('runs.resume', { runId: run.id })).rejects.toThrow(/409 .*already running/);
    await call('runs.stop', { runId: run.id, mode: 'cancel' });
    expect((await finished(run.id)).status).toBe('cancelled');
  }, 120_000);

  it('reports an engine that dies as an interrupted run with the reason, and the server keeps serving', async () => {
    const run = await call<Run>('runs.start', { projectId, request: { ...SMALL, iterations: 400 } });
    let pid: number | null = null;
    await new Promise<void>((resolve) => {
      const wait = () => {
        pid = studio.service.store.runs.getRun(run.id).pid;
        if (pid) resolve();
        else setTimeout(wait, 25);
      };
      wait();
    });
    process.kill(pid!, 'SIGKILL');
    const ended = await finished(run.id);
    expect(ended.status).toBe('interrupted');
    expect(ended.error).toMatch(/killed \(SIGKILL\)/);
    expect((await call<Run>('runs.get', { runId: run.id })).status).toBe('interrupted');
  }, 120_000);

  it('refuses bad requests with the reason and starts nothing', async () => {
    const before = (await call<Run[]>('runs.list', { projectId })).length;
    await expect(call('runs.start', { projectId, request: { prompt: 'a dragon' } })).rejects.toThrow(/400 .*does not know "dragon"/);
    await expect(call('runs.start', { projectId, request: { prompt: 'a mug', method: 'magic' } })).rejects.toThrow(/400 .*method must be one of/);
    await expect(call('runs.stop', { runId: '6f1c7a52-3c1b-4c55-9f62-0d3c2f8e4a11', mode: 'cancel' })).rejects.toThrow(/404/);
    expect((await call<Run[]>('runs.list', { projectId })).length).toBe(before);
  });
});
