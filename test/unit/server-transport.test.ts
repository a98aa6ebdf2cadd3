import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { basename, join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioService } from '../../src/core/studio/studio-service';
import { startStudioServer, type RunningStudioServer } from '../../src/server/studio-server';
import { StudioEvent } from '../../src/shared/events';
import { Project } from '../../src/shared/projects';
import { makeTempHome } from '../helpers/temp-home';


const INDEX_HTML = '<!doctype html><html><head><title>Kiln test UI</title></head><body>kiln-test-index</body></html>\n';
const ASSET_JS = 'console.log("kiln asset");\n';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let running: RunningStudioServer;
let service: StudioService;
let cleanupHome: () => void;
let cleanupRenderer: () => void;
let port: number;
let secretPathFromRenderer: string;
const SECRET = 'kiln-secret-outside-the-renderer';

/** A raw HTTP request, so the path goes on the wire exactly as written and headers are exactly ours. */
function raw(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

interface ApiReply {
  status: number;
  json: { result?: unknown; error?: { code: string; message: string } };
}

async function call(method: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiReply> {
  const res = await raw('POST', `/api/call/${method}`, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return { status: res.status, json: JSON.parse(res.body) as ApiReply['json'] };
}

beforeAll(async () => {
  const home = makeTempHome('kiln-server-home-');
  const renderer = makeTempHome('kiln-server-ui-');
  cleanupHome = home.cleanup;
  cleanupRenderer = renderer.cleanup;
  writeFileSync(join(renderer.home, 'index.html'), INDEX_HTML);
  writeFileSync(join(home.home, 'secret.txt'), SECRET);
  secretPathFromRenderer = `../${basename(home.home)}/secret.txt`;
  mkdirSync(join(renderer.home, 'assets'));
  writeFileSync(join(renderer.home, 'assets', 'app.js'), ASSET_JS);
  service = new StudioService(home.home);
  running = await startStudioServer(service, { port: 0, rendererDir: renderer.home });
  port = Number(new URL(running.url).port);
});

afterAll(async () => {
  await running?.close();
  service?.close();
  cleanupHome?.();
  cleanupRenderer?.();
});

describe('startStudioServer', () => {
  it('listens on 127.0.0.1 on a free port when asked for port 0', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(port).toBeGreaterThan(0);
  });
});

describe('POST /api/call/<method>', () => {
  it('rejects a body that is not JSON with 400 invalid-request', async () => {
    const reply = await call('projects.create', '{"name": "unterminated');
    expect(reply.status).toBe(400);
    expect(reply.json.error?.code).toBe('invalid-request');
    expect(reply.json.error?.message).toMatch(/not valid JSON/);
  });

  it('rejects an empty name with 400 and a message naming the field', async () => {
    const reply = await call('projects.create', { name: '' });
    expect(reply.status).toBe(400);
    expect(reply.json.error?.code).toBe('invalid-request');
    expect(reply.json.error?.message).toContain('projects.create');
    expect(reply.json.error?.message).toContain('name');
  });

  it('rejects unexpected keys with 400', async () => {
    const reply = await call('projects.create', { name: 'ok', admin: true });
    expect(reply.status).toBe(400);
    expect(reply.json.error?.message).toContain('admin');
  });

  it('answers an unknown method with 404 unknown-method', async () => {
    const reply = await call('projects.explode', {});
    expect(reply.status).toBe(404);
    expect(reply.json.error?.code).toBe('unknown-method');
    expect(reply.json.error?.message).toContain('projects.explode');
  });

  it('refuses GET on the API with 405', async () => {
    const res = await raw('GET', '/api/call/x');
    expect(res.status).toBe(405);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'invalid-request' } });
    expect((await raw('GET', '/api/call/projects.list')).status).toBe(405);
  });

  it('refuses other /api/ paths with 405 rather than serving the UI', async () => {
    const res = await raw('POST', '/api/other', { body: '{}' });
    expect(res.status).toBe(405);
    expect(res.body).not.toContain('kiln-test-index');
  });

  it('creates a project (200), then refuses a duplicate name with 409 conflict', async () => {
    const created = await call('projects.create', { name: '  Server cube  ' });
    expect(created.status).toBe(200);
    const project = Project.parse(created.json.result);
    expect(project.name).toBe('Server cube');
    expect(service.projects.get(project.id)).toEqual(project);

    const duplicate = await call('projects.create', { name: 'SERVER CUBE' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error?.code).toBe('conflict');
    expect(duplicate.json.error?.message).toContain('already exists');

    const listed = await call('projects.list', {});
    expect(listed.status).toBe(200);
    expect(listed.json.result).toEqual(expect.arrayContaining([project]));
  });

  it('treats an empty body as {}', async () => {
    const res = await raw('POST', '/api/call/projects.list');
    expect(res.status).toBe(200);
    expect(Array.isArray((JSON.parse(res.body) as { result: unknown }).result)).toBe(true);
  });

  it('answers rename and delete of an unknown id with 404 not-found', async () => {
    const id = randomUUID();
    const renamed = await call('projects.rename', { id, name: 'Whatever' });
    expect(renamed.status).toBe(404);
    expect(renamed.json.error?.code).toBe('not-found');
    expect(renamed.json.error?.message).toContain(id);

    const deleted = await call('projects.delete', { id });
    expect(deleted.status).toBe(404);
    expect(deleted.json.error?.code).toBe('not-found');
  });

  it('renames and deletes a real project', async () => {
    const project = Project.parse((await call('projects.create', { name: 'To rename' })).json.result);
    const renamed = await call('projects.rename', { id: project.id, name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(Project.parse(renamed.json.result).name).toBe('Renamed');
    const deleted = await call('projects.delete', { id: project.id });
    expect(deleted).toEqual({ status: 200, json: { result: { id: project.id } } });
    expect(service.projects.findByName('Renamed')).toBeUndefined();
  });

  it('refuses a cross-origin request with 403 and does not run it', async () => {
    const reply = await call('projects.create', { name: 'Evil project' }, { origin: 'http://evil.example' });
    expect(reply.status).toBe(403);
    expect(reply.json.error?.message).toMatch(/cross-origin/);
    expect(service.projects.findByName('Evil project')).toBeUndefined();
  });

  it('accepts a request whose Origin is the server itself', async () => {
    const reply = await call('projects.create', { name: 'Same origin' }, { origin: `http://127.0.0.1:${port}` });
    expect(reply.status).toBe(200);
    expect(Project.parse(reply.json.result).name).toBe('Same origin');
  });
});

describe('WebSocket /api/events', () => {
  function connect(headers: Record<string, string> = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  it('pushes a project.created event after a create', async () => {
    const ws = await connect();
    try {
      const received = new Promise<unknown>((resolve) => {
        ws.on('message', (data: WebSocket.RawData) => {
          const event = StudioEvent.parse(JSON.parse(data.toString()));
          if (event.type === 'project.created' && event.project.name === 'Evented') resolve(event);
        });
      });
      const created = await call('projects.create', { name: 'Evented' });
      expect(created.status).toBe(200);
      const event = await received;
      expect(event).toEqual({ type: 'project.created', project: created.json.result });
    } finally {
      ws.close();
    }
  });

  it('refuses a cross-origin WebSocket', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow();
  });

  it('refuses an upgrade on any other path', async () => {
    const attempt = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/other`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    await expect(attempt).rejects.toThrow();
  });
});

describe('static files', () => {
  it('serves index.html at / with a strict Content-Security-Policy', async () => {
    const res = await raw('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'];
    expect(typeof csp).toBe('string');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${port}`);
    expect(csp).not.toContain("'unsafe-eval'"); // 'wasm-unsafe-eval' (WebAssembly only) is allowed
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves built assets with their content type', async () => {
    const res = await raw('GET', '/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.body).toBe(ASSET_JS);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('falls back to index.html for unknown paths (single-page app)', async () => {
    const res = await raw('GET', '/projects/some-route');
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
  });

  it.each([['/..%2f..%2fetc%2fpasswd'], ['/%2e%2e/%2e%2e/etc/passwd'], ['/../../etc/passwd'], ['/..%5c..%5cetc%5cpasswd'], ['/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd']])(
    'never serves files outside the renderer folder for %s',
    async (path) => {
      const res = await raw('GET', path);
      expect([200, 403]).toContain(res.status);
      if (res.status === 200) expect(res.body).toBe(INDEX_HTML);
      expect(res.body).not.toMatch(/root:.*:0:0:/);
    },
  );

  it('never serves a sibling file reached by an encoded ../ (a file that does exist)', async () => {
    for (const path of [
      '/' + secretPathFromRenderer.replaceAll('/', '%2f'),
      '/' + secretPathFromRenderer.replaceAll('.', '%2e'),
      '/' + secretPathFromRenderer,
      '/assets/..%2f..%2f' + secretPathFromRenderer.slice(3).replaceAll('/', '%2f'),
    ]) {
      const res = await raw('GET', path);
      expect([200, 403]).toContain(res.status);
      expect(res.body).not.toContain(SECRET);
    }
  });

  it('refuses non-GET methods outside the API with 405', async () => {
    const res = await raw('DELETE', '/index.html');
    expect(res.status).toBe(405);
  });
});

describe('malformed percent-escapes', () => {
  it('answers 400 instead of crashing, and keeps serving', async () => {
    const page = await raw('GET', '/%E0%A4%A');
    expect(page.status).toBe(400);
    const call = await raw('POST', '/api/call/%ZZ', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(call.status).toBe(400);
    expect(JSON.parse(call.body).error.code).toBe('invalid-request');
    const after = await raw('POST', '/api/call/projects.list', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(after.status).toBe(200);
  });
});
