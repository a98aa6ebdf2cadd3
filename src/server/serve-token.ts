import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { storageError } from '../core/fs/atomic-file';
import { KilnError } from '../shared/errors';

/** The cookie the browser studio keeps the token in (so thumbnails, downloads and the WebSocket carry it too). */
export const TOKEN_COOKIE = 'kiln_token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function serveTokenPath(home: string): string {
  return join(home, 'serve-token');
}

/**
 * The access token of `kiln serve` on a network address: made on first use (32 random bytes, base64url), kept in the
 * Kiln home readable by its owner only, and the same on every later start. `created` says whether to show it.
 */
export function loadOrCreateServeToken(home: string): { token: string; created: boolean; path: string } {
  const path = serveTokenPath(home);
  const token = randomBytes(32).toString('base64url');
  try {
    // Created readable by its owner only from the first byte; 'wx' lets a second server starting at once read this one.
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
    return { token, created: true, path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw storageError(err, path);
  }
  const stored = readFileSync(path, 'utf8').trim();
  if (!TOKEN_PATTERN.test(stored)) throw new KilnError('storage', `${path} does not hold a Kiln access token; delete it and start again to make a new one`);
  return { token: stored, created: false, path };
}

function presentedTokens(req: IncomingMessage): string[] {
  const tokens: string[] = [];
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) tokens.push(auth.slice('Bearer '.length).trim());
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) tokens.push(decodeURIComponent(value.join('=')));
  }
  return tokens;
}

/** Whether the request carries the token, as `Authorization: Bearer …` or the studio's cookie (compared in constant time). */
export function carriesToken(req: IncomingMessage, token: string): boolean {
  const expected = Buffer.from(token);
  return presentedTokens(req).some((t) => {
    const given = Buffer.from(t);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
