import type { IncomingMessage, ServerResponse } from 'node:http';
import { FARM_AUTH_HEADER, JOB_KEY_HEADER, verifyFarmRequest } from '../core/farm/farm-auth';
import type { FarmIntake } from '../core/farm/farm-intake';
import { FARM_PREFIX, SnapshotUpload, StatusReport } from '../core/farm/farm-wire';
import { isBlobHash } from '../core/store/blob-store';
import { KilnError, toWireError } from '../shared/errors';
import { describeIssues } from '../shared/validate';
import { statusForError } from './http-status';
import type { z } from 'zod';

/** The studio's side of a farm: the intake and the token its workers sign with. */
export interface FarmEndpoint {
  intake: FarmIntake;
  token: string;
}

/** A checkpoint of a large run is tens of MB; this bounds what one upload may hold in memory. */
const MAX_BLOB_BYTES = 1 << 30;
const MAX_JSON_BYTES = 1 << 20;
const ROUTE = /^([0-9a-f-]{36})(?:\/(blobs)\/([^/]+)|\/(snapshots|status))?$/;

export const isFarmPath = (path: string) => path.startsWith(FARM_PREFIX);

/**
 * /farm/v1/runs/RUN[/blobs/HASH | /snapshots | /status]: what workers call (core/farm/studio-client.ts). Every call
 * is signed with the farm token and carries its job's key, which opens that run only. These routes skip the Host
 * allow-list: they are for other machines, and a browser page cannot sign.
 */
export async function handleFarmRequest(farm: FarmEndpoint, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    if (!verifyFarmRequest(farm.token, header(req, FARM_AUTH_HEADER), method, path)) {
      throw new KilnError('unauthorized', 'this studio refuses farm requests not signed with its farm token: give the worker the same KILN_FARM_TOKEN (or --token) as the studio, and keep their clocks within 5 minutes');
    }
    const match = ROUTE.exec(path.slice(FARM_PREFIX.length));
    if (!match) throw new KilnError('not-found', `no farm route ${path}`);
    const [, runId, blobs, hash, action] = match as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    farm.intake.authorize(runId, header(req, JOB_KEY_HEADER));
    if (blobs) {
      if (!isBlobHash(hash!)) throw new KilnError('invalid-request', 'a blob is named by its 64-hex-digit SHA-256');
      if (method === 'HEAD') return void res.writeHead(farm.intake.hasBlob(hash!) ? 200 : 404).end();
      if (method === 'GET') return sendBytes(res, farm.intake.readBlob(runId, hash!));
      if (method === 'PUT') {
        farm.intake.putBlob(runId, hash!, await readBody(req, MAX_BLOB_BYTES));
        return sendJson(res, 200, { stored: true, stop: null });
      }
    } else if (action === undefined && method === 'GET') {
      return sendJson(res, 200, farm.intake.resumePoint(runId));
    } else if (method === 'POST') {
      const body: unknown = JSON.parse((await readBody(req, MAX_JSON_BYTES)).toString('utf8'));
      const reply = action === 'snapshots' ? farm.intake.addSnapshot(runId, parse(SnapshotUpload, body)) : farm.intake.report(runId, parse(StatusReport, body));
      return sendJson(res, 200, reply);
    }
    throw new KilnError('invalid-request', `${method} is not a farm call on ${path}`);
  } catch (err) {
    const wire = err instanceof SyntaxError ? { code: 'invalid-request' as const, message: 'the body is not valid JSON' } : toWireError(err);
    if (!(err instanceof KilnError) && !(err instanceof SyntaxError)) console.error('[kiln] farm request failed:', err);
    if (!res.headersSent) sendJson(res, statusForError(wire.code), { error: wire });
    else res.destroy();
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new KilnError('invalid-request', describeIssues(parsed.error));
  return parsed.data;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new KilnError('invalid-request', `the upload exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendBytes(res: ServerResponse, bytes: Uint8Array) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'cache-control': 'no-store' });
  res.end(bytes);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}
