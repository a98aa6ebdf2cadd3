import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStudioIpc } from '../../../src/main/ipc';
import { createHttpStudioApi } from '../../../src/renderer/src/api/http-client';
import { createIpcStudioApi } from '../../../src/renderer/src/api/ipc-client';
import { decodeLiveMesh, fetchSnapshotMesh } from '../../../src/renderer/src/api/snapshot-payload';
import type { DispatchResult } from '../../../src/shared/dispatch';
import type { StudioEvent } from '../../../src/shared/events';
import { IPC_CALL } from '../../../src/shared/ipc-channels';
import type { StudioApi } from '../../../src/shared/studio-api';
import type { Run, RunRequest, Snapshot } from '../../../src/shared/runs';
import { startStudioHarness, type StudioHarness } from '../../helpers/studio-http-harness';
import { makeTempHome } from '../../helpers/temp-home';

// A two-stage run over `kiln serve` (HTTP + WebSocket, the run in a real `kiln engine-run` child): the live mesh of
// the DMTet stage reaches clients as run.mesh events, its snapshots as mesh payloads, progress names the stage. The
// same service also answers the desktop app's way: main/ipc.ts's handler, its events structured-cloned as Electron
// IPC clones them, into the renderer's IPC client.
const temp = makeTempHome('kiln-live-mesh-');
let studio: StudioHarness;

const GAUSSIAN_ITERATIONS = 24;
const REQUEST: RunRequest = {
  prompt: 'a red cube',
  seed: 3,
  batchSize: 1,
  initialGaussians: 300,
  snapshotEvery: 4,
  stages: [
    { representation: 'gaussians', iterations: GAUSSIAN_ITERATIONS, method: 'sds' },
    { representation: 'dmtet', iterations: 6, method: 'sds', settings: { gridResolution: 32, initThreshold: 0.1 } },
  ],
};

let run: Run;
let timeline: Snapshot[];
let ipc: StudioApi;
const ipcEvents: StudioEvent[] = [];

/** The renderer's IPC client over main/ipc.ts's real handler (no Electron here: its channel is a function call). */
function ipcClient(): StudioApi {
  let handler: ((event: IpcMainInvokeEvent, method: unknown, request: unknown) => Promise<DispatchResult>) | undefined;
  registerStudioIpc((channel, listener) => channel === IPC_CALL && (handler = listener as typeof handler), studio.service, () => true);
  return createIpcStudioApi({
    call: async (method, request) => structuredClone(await handler!({} as IpcMainInvokeEvent, method, structuredClone(request))),
    onEvent: (listener) => studio.service.events.subscribe((event) => listener(structuredClone(event))),
  });
}
const of = <T extends StudioEvent['type']>(type: T) =>
  studio.events.filter((e): e is Extract<StudioEvent, { type: T }> => e.type === type && ('runId' in e ? e.runId === run.id : 'progress' in e && e.progress.runId === run.id));

beforeAll(async () => {
  studio = await startStudioHarness(temp.home);
  ipc = ipcClient();
  ipc.onEvent((event) => ipcEvents.push(event));
  const projectId = (await studio.call<{ id: string }>('projects.create', { name: 'Live mesh' })).id;
  run = await studio.call<Run>('runs.start', { projectId, request: REQUEST });
  expect((await studio.finished(run.id, 300_000)).status).toBe('completed');
  timeline = await studio.call<Snapshot[]>('runs.timeline', { runId: run.id });
}, 320_000);

afterAll(async () => {
  await studio?.close();
  temp.cleanup();
});

describe('the live mesh of a mesh stage over HTTP and WebSocket', () => {
  it('streams run.mesh events in the mesh stage, each a mesh payload of its face count; splats before it', () => {
    const meshes = of('run.mesh');
    expect(meshes.length).toBeGreaterThan(0);
    for (const e of meshes) {
      const mesh = decodeLiveMesh(e);
      expect(mesh.indices.length / 3).toBe(e.faces);
      expect(e.faces).toBeGreaterThan(100);
      expect(mesh.albedo.length).toBe(mesh.positions.length);
      expect(mesh.positions.every((p) => Math.abs(p) < 1)).toBe(true);
      expect(e.stage).toBe(1);
      expect(e.iteration).toBeGreaterThan(GAUSSIAN_ITERATIONS);
    }
    for (const e of of('run.splats')) expect(e.iteration).toBeLessThanOrEqual(GAUSSIAN_ITERATIONS);
  });

  it('names the stage in progress: Gaussians (1 of 2), then the DMTet mesh (2 of 2)', () => {
    const stages = new Set(of('run.progress').map((e) => `${e.progress.iteration <= GAUSSIAN_ITERATIONS ? 'g' : 'm'}:${e.progress.stage}:${e.progress.stageIndex}/${e.progress.stageCount}`));
    expect([...stages].sort()).toEqual(['g:gaussians:0/2', 'm:dmtet:1/2']);
  });

  it('announces mesh snapshots and serves their payloads to the renderer’s HTTP client', async () => {
    const announced = of('run.snapshot').filter((e) => e.snapshot.payloadKind === 'mesh');
    expect(announced.map((e) => e.snapshot.stage)).toEqual(announced.map(() => 1));
    const last = timeline.at(-1)!;
    expect([last.payloadKind, last.stage]).toEqual(['mesh', 1]);
    const mesh = await fetchSnapshotMesh(createHttpStudioApi(new URL(studio.url)), last.payloadBlob);
    expect(mesh.indices.length / 3).toBe(last.gaussians);
  });

  it('delivers the same live meshes and mesh payloads over the desktop app’s IPC', async () => {
    const overIpc = ipcEvents.filter((e): e is Extract<StudioEvent, { type: 'run.mesh' }> => e.type === 'run.mesh' && e.runId === run.id);
    expect(overIpc).toEqual(of('run.mesh'));
    const last = timeline.at(-1)!;
    const viaIpc = await fetchSnapshotMesh(ipc, last.payloadBlob);
    const viaHttp = await fetchSnapshotMesh(createHttpStudioApi(new URL(studio.url)), last.payloadBlob);
    expect(viaIpc).toEqual(viaHttp);
    for (const e of overIpc) expect(decodeLiveMesh(e).indices.length / 3).toBe(e.faces);
  });
});
