import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTokenPath } from '../../../src/server/serve-token';
import { callApi, startServeProcess, type ServeProcess } from '../../helpers/kiln-process';
import { makeTempHome } from '../../helpers/temp-home';

// Finding 5 of issue 16: `kiln serve --host 0.0.0.0` handed the API to anyone who reached the port: no
// authentication, folders probed and registered through models.add, and the start of any model_index.json echoed in
// its parse error. A network address now needs a token; remote callers cannot name paths; errors never quote files.
const temp = makeTempHome('kiln-remote-token-');
let serve: ServeProcess;
let port: number;
let token: string;

/** This machine's address on a network (not loopback), to call the server as another machine would. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

const local = (method: string, body: unknown, headers: Record<string, string> = {}) => callApi(`http://127.0.0.1:${port}`, method, body, headers);
const bearer = () => ({ authorization: `Bearer ${token}` });

function upgrade(headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
  });
}

/** Waits for the serve process to print a line matching `pattern` (it comes after the URL, maybe in a later chunk). */
async function printed(pattern: RegExp): Promise<RegExpExecArray | null> {
  for (let i = 0; i < 100; i++) {
    const match = pattern.exec(serve.output());
    if (match) return match;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

beforeAll(async () => {
  serve = await startServeProcess(temp.home, ['--host', '0.0.0.0']);
  port = Number(new URL(serve.url).port);
  const shown = await printed(/Access token \(shown this once; kept in (.+)\):\n {2}(\S+)/);
  expect(shown, serve.output()).not.toBeNull();
  expect(shown![1]).toBe(serveTokenPath(temp.home));
  token = shown![2]!;
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  temp.cleanup();
});

describe('kiln serve on a network address', () => {
  it('keeps the token in the home, readable by its owner only', () => {
    expect(readFileSync(serveTokenPath(temp.home), 'utf8').trim()).toBe(token);
    expect(statSync(serveTokenPath(temp.home)).mode & 0o077).toBe(0);
  });

  it('refuses API calls and the WebSocket without the token, and accepts the bearer header or the studio cookie', async () => {
    const anonymous = await local('projects.create', { name: 'Anonymous' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.error!.message).toContain('Authorization: Bearer TOKEN');
    expect((await local('projects.list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await local('projects.list', {}, bearer())).result).toEqual([]);
    expect((await local('projects.list', {}, { cookie: `theme=dark; kiln_token=${token}` })).status).toBe(200);
    expect(await upgrade({})).toBe(false);
    expect(await upgrade(bearer())).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/api/blobs/${'0'.repeat(64)}`)).status).toBe(401);
  });

  it.skipIf(!lanAddress)('refuses file-system paths from another machine: models.add, and a run or prompt check naming a folder', async () => {
    const remote = (method: string, body: unknown) => callApi(`http://${lanAddress}:${port}`, method, body, bearer());
    const added = await remote('models.add', { path: temp.home });
    expect(added.status).toBe(403);
    expect(added.error!.code).toBe('forbidden');
    expect((await remote('prompts.check', { model: '/etc', prompt: 'a mug' })).status).toBe(403);
    const project = (await remote('projects.create', { name: 'Remote' })).result as { id: string };
    expect((await remote('runs.start', { projectId: project.id, request: { prompt: 'a mug', model: '/usr' } })).status).toBe(403);
    expect((await remote('runs.list', { projectId: project.id })).result).toEqual([]);
    expect((await remote('prompts.check', { model: 'demo', prompt: 'a mug' })).status).toBe(200);
  });

  it("never echoes a file's content in an error (a model_index.json that is not JSON)", async () => {
    const pack = join(temp.home, 'not-a-pack');
    mkdirSync(pack);
    writeFileSync(join(pack, 'model_index.json'), 'SECRET_PASSWORD=hunter2\n');
    const reply = await local('models.add', { path: pack }, bearer());
    expect(reply.status).toBe(422);
    expect(reply.error!.message).toMatch(/model_index\.json is not valid JSON/);
    expect(reply.error!.message).not.toMatch(/SECRET|hunter2/);
  });

  it('shows the token only when it is made: a restart uses the stored one', async () => {
    await serve.stop();
    serve = await startServeProcess(temp.home, ['--host', '0.0.0.0']);
    port = Number(new URL(serve.url).port);
    expect(await printed(/need the access token kept in (.+)\n/)).toMatchObject({ 1: serveTokenPath(temp.home) });
    expect(serve.output()).not.toContain(token);
    expect((await local('projects.list', {}, bearer())).status).toBe(200);
  }, 60_000);
});
