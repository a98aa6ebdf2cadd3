import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StudioService } from '../core/studio/studio-service';
import { dispatch } from '../shared/dispatch';
import { KilnError, toWireError, type WireError } from '../shared/errors';
import { contentSecurityPolicy } from '../shared/content-security-policy';
import { attachmentDisposition } from './content-disposition';
import { statusForError } from './http-status';
import { HostAllowList, isLoopbackHost } from './host-allow-list';
import { assertRemoteMayCall } from './remote-caller-guard';
import { carriesToken, serveTokenPath } from './serve-token';
import { serveStatic } from './static-files';
import { isBlobHash } from '../core/store/blob-store';
import { handleFarmRequest, isFarmPath, type FarmEndpoint } from './farm-routes';
import { REFERENCE_IMAGE_MAX_BYTES } from '../shared/runs';

export const API_PREFIX = '/api/call/';
export const EVENTS_PATH = '/api/events';
/** GET /api/blobs/<sha256>: snapshot payloads and thumbnails for the renderer (content-addressed, so cacheable forever). */
export const BLOBS_PREFIX = '/api/blobs/';
const MAX_BODY_BYTES = 1 << 20;
/** Runs (and reference previews) may carry a reference photo in base64 (4/3 of its bytes) besides their settings. */
const MAX_IMAGE_BODY_BYTES = Math.ceil(REFERENCE_IMAGE_MAX_BYTES / 3) * 4 + MAX_BODY_BYTES;
const IMAGE_METHODS: ReadonlySet<string> = new Set(['runs.start', 'runs.branch', 'references.preview']);
/** About two live-splat events at 50k Gaussians (a live mesh of 20k faces is under 1 MiB). */
const LIVE_MODEL_BACKLOG_BYTES = 8 << 20;

export interface StudioServerOptions {
  port?: number;
  host?: string;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  /**
   * The access token every API request and the WebSocket must carry (a bearer header or the studio's cookie); set
   * when the server listens on a network address (`kiln serve --host`), where anyone who reaches the port could call.
   */
  token?: string;
  /** With `kiln serve --farm`: the routes its workers report to (farm-routes.ts). */
  farm?: FarmEndpoint;
}

export interface RunningStudioServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new KilnError('invalid-request', `request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new KilnError('invalid-request', 'request body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new KilnError('invalid-request', 'request body is not valid JSON');
  }
}

/** A binary result (snapshots.payload): the bytes themselves, not a JSON array of numbers. */
function sendBytes(res: ServerResponse, bytes: Uint8Array) {
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.byteLength,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(bytes);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

/** `kiln serve`: the StudioApi over HTTP (requests) and WebSocket (events), plus the built renderer. */
export async function startStudioServer(
  service: StudioService,
  options: StudioServerOptions,
): Promise<RunningStudioServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();
  /** Made on the first request, when the server listens and its port is known. */
  let guard: { allowList: HostAllowList; csp: string } | undefined;
  const security = () => {
    if (!guard) {
      const allowList = new HostAllowList(host, (server.address() as AddressInfo).port);
      guard = { allowList, csp: contentSecurityPolicy(allowList.webSocketSources()) };
    }
    return guard;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof KilnError)) console.error('[kiln] request failed:', err);
      const wire = toWireError(err);
      if (!res.headersSent) sendJson(res, statusForError(wire.code), { error: wire });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.farm && isFarmPath(path)) return handleFarmRequest(options.farm, req, res, path);
    const { allowList, csp } = security();
    if (!allowList.allows(req.headers.host)) {
      return sendJson(res, 403, { error: { code: 'invalid-request', message: `this studio answers only as ${allowList.hosts.join(', ')}` } });
    }
    if (path.startsWith('/api/')) {
      if (!allowList.allowsRequest(req.headers)) return sendJson(res, 403, { error: { code: 'invalid-request', message: 'cross-origin request refused' } });
      if (options.token !== undefined && !carriesToken(req, options.token)) return sendJson(res, 401, { error: missingToken() });
      if (path.startsWith(BLOBS_PREFIX) && req.method === 'GET') return sendBlob(req, res, path.slice(BLOBS_PREFIX.length));
      if (!path.startsWith(API_PREFIX) || req.method !== 'POST') {
        return sendJson(res, 405, { error: { code: 'invalid-request', message: `use POST ${API_PREFIX}<method>` } });
      }
      let method: string;
      try {
        method = decodeURIComponent(path.slice(API_PREFIX.length));
      } catch {
        return sendJson(res, 400, { error: { code: 'invalid-request', message: 'malformed escape in the method name' } });
      }
      let body: unknown;
      try {
        body = await readJsonBody(req, IMAGE_METHODS.has(method) ? MAX_IMAGE_BODY_BYTES : MAX_BODY_BYTES);
      } catch (err) {
        const wire = toWireError(err);
        return sendJson(res, statusForError(wire.code), { error: wire });
      }
      if (!isLoopbackHost(req.socket.remoteAddress ?? '')) {
        try {
          assertRemoteMayCall(method, body, (id) => service.models.isKnown(id));
        } catch (err) {
          const wire = toWireError(err);
          return sendJson(res, statusForError(wire.code), { error: wire });
        }
      }
      const outcome = await dispatch(service.handlers, method, body);
      if (outcome.ok && outcome.result instanceof Uint8Array) return sendBytes(res, outcome.result);
      if (outcome.ok) return sendJson(res, 200, { result: outcome.result });
      return sendJson(res, statusForError(outcome.error.code), { error: outcome.error });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'invalid-request', message: 'method not allowed' } });
    serveStatic(options.rendererDir, req, res, {
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  }

  function missingToken(): WireError {
    return {
      code: 'unauthorized',
      message: `this studio needs its access token (shown when it was made; kept in ${serveTokenPath(service.home)} on the studio's machine): send "Authorization: Bearer TOKEN"`,
    };
  }

  function sendBlob(req: IncomingMessage, res: ServerResponse, hash: string) {
    if (!isBlobHash(hash)) return sendJson(res, 400, { error: { code: 'invalid-request', message: 'a blob is named by its 64-hex-digit SHA-256' } });
    if (!service.store.runs.isBlobReferenced(hash) || !service.store.blobs.has(hash)) {
      return sendJson(res, 404, { error: { code: 'not-found', message: `no blob ${hash}` } });
    }
    const bytes = service.store.blobs.read(hash);
    const download = new URL(req.url ?? '/', 'http://localhost').searchParams.get('download');
    const isPng = download === null && bytes.subarray(1, 4).toString('latin1') === 'PNG';
    res.writeHead(200, {
      'content-type': isPng ? 'image/png' : 'application/octet-stream',
      'content-length': bytes.length,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      ...(download !== null ? { 'content-disposition': attachmentDisposition(download) } : {}),
    });
    res.end(bytes);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const tokenMissing = options.token !== undefined && !carriesToken(req, options.token);
    if (path !== EVENTS_PATH || !security().allowList.allowsRequest(req.headers) || tokenMissing) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = service.events.subscribe((event) => {
        // The live model is a view of the present: a client still receiving earlier ones skips this one.
        if ((event.type === 'run.splats' || event.type === 'run.mesh') && ws.bufferedAmount > LIVE_MODEL_BACKLOG_BYTES) return;
        ws.send(JSON.stringify(event));
      });
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      wss.close();
      if (err.code === 'EADDRINUSE') {
        reject(new KilnError('conflict', `port ${options.port} on ${host} is already in use (another Kiln?); choose another with --port N, or --port 0 for any free port`));
      } else if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        reject(new KilnError('invalid-request', `cannot listen on ${host}:${options.port ?? 0} (${err.code}); choose another --host or --port`));
      } else reject(err);
    });
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}
