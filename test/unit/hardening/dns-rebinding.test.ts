import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioService } from '../../../src/core/studio/studio-service';
import { HostAllowList } from '../../../src/server/host-allow-list';
import { startStudioServer, type RunningStudioServer } from '../../../src/server/studio-server';
import { makeTempHome } from '../../helpers/temp-home';

// Finding 2 of issue 16: DNS rebinding. A page on evil.example re-pointed at 127.0.0.1 sends a Host and an Origin
// that agree with each other, so only an allow-list of Host values keeps it out — for HTTP and the WebSocket.
const temp = makeTempHome('kiln-rebinding-');
let service: StudioService;
let server: RunningStudioServer;
let port: number;

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const upgrade = (host: string, origin: string) =>
  raw('GET', '/api/events', { host, origin, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }).catch(
    (err: Error) => ({ status: 0, headers: {}, body: err.message }),
  );

beforeAll(async () => {
  writeFileSync(join(temp.home, 'index.html'), '<!doctype html><title>studio</title>');
  service = new StudioService(temp.home);
  server = await startStudioServer(service, { port: 0, rendererDir: temp.home });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server.close();
  service.close();
  temp.cleanup();
});

describe('the Host allow-list', () => {
  it('refuses an API call whose Host and Origin name another site, and runs nothing', async () => {
    const reply = await raw('POST', '/api/call/projects.create', { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json' }, JSON.stringify({ name: 'Rebound' }));
    expect(reply.status).toBe(403);
    expect(service.projects.findByName('Rebound')).toBeUndefined();
  });

  it('refuses the WebSocket upgrade from a rebound name and accepts it from the loopback names', async () => {
    expect((await upgrade(`evil.example:${port}`, `http://evil.example:${port}`)).status).not.toBe(101);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect((await upgrade(host, `http://${host}`)).status).toBe(101);
  });

  it('accepts the loopback names, and a name on another port is not ours', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await raw('POST', '/api/call/projects.list', { host, origin: `http://${host}` })).status).toBe(200);
    }
    expect((await raw('POST', '/api/call/projects.list', { host: `localhost:${port + 1}` })).status).toBe(403);
    expect([400, 403]).toContain((await raw('POST', '/api/call/projects.list', {})).status); // no Host at all (Node answers 400 itself)
  });

  it('builds the Content-Security-Policy from the bound address, whatever Host the request names', async () => {
    const viaIp = await raw('GET', '/', { host: `127.0.0.1:${port}` });
    const viaName = await raw('GET', '/', { host: `localhost:${port}` });
    expect(viaIp.headers['content-security-policy']).toBeDefined();
    expect(viaName.headers['content-security-policy']).toBe(viaIp.headers['content-security-policy']);
    expect(String(viaIp.headers['content-security-policy'])).toContain(`ws://127.0.0.1:${port}`);
    expect(String(viaIp.headers['content-security-policy'])).not.toContain('[::1]'); // not a valid CSP host source
    const injected = await raw('GET', '/', { host: `127.0.0.1:${port}; script-src *` });
    expect(injected.status).toBe(403);
    expect(String(injected.headers['content-security-policy'] ?? '')).not.toContain('script-src *');
  });

  it('marks every API response nosniff, errors included', async () => {
    for (const path of ['/api/call/projects.list', '/api/call/no.such.method']) {
      const reply = await raw('POST', path, { host: `127.0.0.1:${port}` });
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('HostAllowList', () => {
  it('names the bound address, the loopback names and (on a wildcard bind) this machine, each with the port', () => {
    expect(new HostAllowList('127.0.0.1', 5199).hosts).toEqual(['localhost:5199', '127.0.0.1:5199', '[::1]:5199']);
    expect(new HostAllowList('::1', 80).hosts).toContain('localhost');
    const wide = new HostAllowList('0.0.0.0', 5199);
    expect(wide.hosts).not.toContain('0.0.0.0:5199');
    expect(wide.hosts.length).toBeGreaterThan(3);
    expect(new HostAllowList('192.168.7.9', 5199).allowsRequest({ host: '192.168.7.9:5199', origin: 'http://192.168.7.9:5199' })).toBe(true);
  });
});
