import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioService } from '../../src/core/studio/studio-service';
import { registerStudioIpc, type IpcHandle } from '../../src/main/ipc';
import { isAppUrl } from '../../src/main/window-options';
import type { DispatchResult } from '../../src/shared/dispatch';
import type { StudioEvent } from '../../src/shared/events';
import { IPC_CALL } from '../../src/shared/ipc-channels';
import { Project } from '../../src/shared/projects';
import { makeTempHome } from '../helpers/temp-home';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildEngineLauncher } from '../../src/server/child-engine-launcher';
import type { Run } from '../../src/shared/runs';

const APP_URL = 'file:///app/index.html';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function fakeEvent(url: string | undefined): IpcMainInvokeEvent {
  return { senderFrame: url === undefined ? null : { url } } as unknown as IpcMainInvokeEvent;
}

/** Mirrors src/main/index.ts: only frames showing the app itself are trusted. */
function trustedByUrl(event: IpcMainInvokeEvent): boolean {
  return isAppUrl(event.senderFrame?.url ?? '', APP_URL);
}

describe('registerStudioIpc', () => {
  let service: StudioService;
  let cleanup: () => void;
  let registered: Map<string, Listener>;
  let trustChecks: number;
  let events: StudioEvent[];

  function register(isTrustedSender: (event: IpcMainInvokeEvent) => boolean = trustedByUrl): Listener {
    registered = new Map();
    const handle: IpcHandle = (channel, listener) => {
      registered.set(channel, listener as Listener);
    };
    registerStudioIpc(handle, service, (event) => {
      trustChecks++;
      return isTrustedSender(event);
    });
    const listener = registered.get(IPC_CALL);
    if (!listener) throw new Error(`nothing registered on ${IPC_CALL}`);
    return listener;
  }

  async function invoke(listener: Listener, url: string | undefined, method: unknown, request: unknown) {
    return (await listener(fakeEvent(url), method, request)) as DispatchResult;
  }

  beforeEach(() => {
    const temp = makeTempHome('kiln-ipc-');
    cleanup = temp.cleanup;
    service = new StudioService(temp.home);
    trustChecks = 0;
    events = [];
    service.events.subscribe((event) => events.push(event));
  });

  afterEach(() => {
    service.close();
    cleanup();
  });

  it('registers exactly one handler, on the shared IPC_CALL channel', () => {
    register();
    expect(IPC_CALL).toBe('kiln:call');
    expect([...registered.keys()]).toEqual([IPC_CALL]);
  });

  it('resolves malformed arguments to invalid-request naming the field, without throwing', async () => {
    const listener = register();
    const outcome = await invoke(listener, APP_URL, 'projects.create', { name: '' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('invalid-request');
    expect(outcome.error.message).toContain('projects.create');
    expect(outcome.error.message).toContain('name');

    const extra = await invoke(listener, APP_URL, 'projects.create', { name: 'x', path: '/etc' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    if (!extra.ok) expect(extra.error.message).toContain('path');

    const badId = await invoke(listener, APP_URL, 'projects.delete', { id: '../../kiln.db' });
    expect(badId).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    if (!badId.ok) expect(badId.error.message).toContain('id');

    const notObject = await invoke(listener, APP_URL, 'projects.create', 'A red cube');
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    expect(service.projects.list()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('resolves an unknown method to unknown-method', async () => {
    const listener = register();
    await expect(invoke(listener, APP_URL, 'fs.readFile', { path: '/etc/passwd' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    await expect(invoke(listener, APP_URL, undefined, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
  });

  it('creates a project for a trusted sender and stores it', async () => {
    const listener = register();
    const outcome = await invoke(listener, APP_URL, 'projects.create', { name: '  IPC cube ' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const project = Project.parse(outcome.result);
    expect(project.name).toBe('IPC cube');
    expect(service.projects.list()).toEqual([project]);
    expect(events).toEqual([{ type: 'project.created', project }]);
    expect(trustChecks).toBe(1);

    const duplicate = await invoke(listener, APP_URL, 'projects.create', { name: 'ipc CUBE' });
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('accepts the app page with a hash route as the same sender', async () => {
    const listener = register();
    const outcome = await invoke(listener, `${APP_URL}#/projects`, 'projects.list', {});
    expect(outcome).toEqual({ ok: true, result: [] });
  });

  it.each([
    ['a remote page', 'https://evil.example/'],
    ['another local file', 'file:///tmp/evil.html'],
    ['a frame without a URL', undefined],
    ['a blank frame', 'about:blank'],
  ])('refuses %s without reaching the handler', async (_label, url) => {
    const listener = register();
    const outcome = await invoke(listener, url, 'projects.create', { name: 'Smuggled' });
    expect(outcome).toEqual({ ok: false, error: { code: 'invalid-request', message: 'call refused: untrusted frame' } });
    expect(service.projects.list()).toEqual([]);
    expect(service.projects.findByName('Smuggled')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('asks isTrustedSender before validating, and refuses when it says no', async () => {
    const seen: IpcMainInvokeEvent[] = [];
    const listener = register((event) => {
      seen.push(event);
      return false;
    });
    const event = fakeEvent(APP_URL);
    const outcome = (await listener(event, 'projects.create', { name: 'Refused' })) as DispatchResult;
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/untrusted frame/) } });
    expect(seen).toEqual([event]);
    // Even a malformed request is refused as untrusted, not validated.
    const malformed = await invoke(listener, APP_URL, 'projects.create', { name: '' });
    expect(malformed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/untrusted frame/) } });
    expect(service.projects.list()).toEqual([]);
  });

  it('carries an image run: the photo as base64, run by an engine process, the photo stored with the run', async () => {
    const temp = makeTempHome('kiln-ipc-image-');
    const withEngine = new StudioService(temp.home, {}, new ChildEngineLauncher());
    const finished = new Promise<Run>((resolve) =>
      withEngine.events.subscribe((event) => {
        if (event.type === 'run.finished') resolve(event.run);
      }),
    );
    const original = service;
    try {
      service = withEngine;
      const listener = register();
      const project = await invoke(listener, APP_URL, 'projects.create', { name: 'Photos' });
      if (!project.ok) throw new Error('no project');
      const photo = readFileSync(join(__dirname, '../../resources/reference-samples/torus-cutout.png'));
      const referenceImage = { data: photo.toString('base64'), name: 'torus-cutout.png', elevationDeg: 15 };
      const request = { referenceImage, method: 'sds', iterations: 3, batchSize: 1, initialGaussians: 200 };
      const started = await invoke(listener, APP_URL, 'runs.start', { projectId: (project.result as Project).id, request });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const run = (started as { result: Run }).result;
      expect([run.prompt, run.referenceImage?.name]).toEqual([null, 'torus-cutout.png']);
      expect((await finished).status).toBe('completed');
      expect(withEngine.store.blobs.read(run.referenceImage!.blob).equals(photo)).toBe(true);
      const damaged = await invoke(listener, APP_URL, 'runs.start', { projectId: (project.result as Project).id, request: { referenceImage: { data: photo.subarray(0, 300).toString('base64'), name: 'cut.png' } } });
      expect(damaged).toMatchObject({ ok: false, error: { code: 'invalid-image' } });
      expect(withEngine.store.runs.listRuns().length).toBe(1);
    } finally {
      await withEngine.shutdown();
      service = original;
      temp.cleanup();
    }
  }, 120_000);
});
