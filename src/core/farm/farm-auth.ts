import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../shared/errors';
import { writeFileAtomic } from '../fs/atomic-file';

/** Headers a worker sends the studio: a signature made with the farm token, and its job's key. */
export const FARM_AUTH_HEADER = 'x-kiln-farm-auth';
export const JOB_KEY_HEADER = 'x-kiln-job-key';

/** How far a signed request's clock may be from the studio's. */
const SIGNATURE_WINDOW_MS = 5 * 60_000;
const MIN_TOKEN_LENGTH = 16;

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The farm token from --token or KILN_FARM_TOKEN, refused when missing or too short to be a secret. */
export function farmToken(option: unknown, env: NodeJS.ProcessEnv): string {
  const token = (typeof option === 'string' ? option : undefined) ?? env.KILN_FARM_TOKEN;
  if (!token) throw new KilnError('invalid-request', 'a farm needs a shared token: set KILN_FARM_TOKEN (or --token) to the same secret on the studio and every worker, e.g. the output of "openssl rand -hex 32"');
  if (token.length < MIN_TOKEN_LENGTH) throw new KilnError('invalid-request', `the farm token must be at least ${MIN_TOKEN_LENGTH} characters; make one with "openssl rand -hex 32"`);
  return token;
}

/**
 * `<ms>.<hmac(token, "<ms> METHOD PATH")>`: the worker proves it holds the farm token without sending it, so a job
 * naming a studio that is not one (anyone who can write to Redis can add jobs) learns nothing it could reuse.
 */
export function signFarmRequest(token: string, method: string, path: string, now = Date.now()): string {
  return `${now}.${hmac(token, `${now} ${method} ${path}`)}`;
}

export function verifyFarmRequest(token: string, header: string | undefined, method: string, path: string, now = Date.now()): boolean {
  const match = /^(\d{1,16})\.([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const stamp = Number(match[1]);
  return Math.abs(now - stamp) <= SIGNATURE_WINDOW_MS && sameText(match[2]!, hmac(token, `${stamp} ${method} ${path}`));
}

/**
 * The studio's private secret for job keys (HOME/farm-job-secret, owner-only): never leaves the studio, so a worker
 * — which holds the farm token but not this — cannot make the key of a run that is not its job's.
 */
export function loadOrCreateJobSecret(home: string): string {
  const path = join(home, 'farm-job-secret');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new KilnError('storage', `cannot read ${path}: ${(err as Error).message}`);
  }
  const secret = randomBytes(32).toString('hex');
  writeFileAtomic(path, Buffer.from(secret));
  chmodSync(path, 0o600);
  return secret;
}

export const jobKeyFor = (secret: string, runId: string): string => hmac(secret, `run ${runId}`);

export const isJobKeyFor = (secret: string, runId: string, key: string | undefined): boolean => key !== undefined && sameText(key, jobKeyFor(secret, runId));
