import { describe, expect, it } from 'vitest';
import { isJobKeyFor, jobKeyFor, signFarmRequest, verifyFarmRequest } from '../../../src/core/farm/farm-auth';

const TOKEN = 'a-farm-token-of-some-length';
const PATH = '/farm/v1/runs/00000000-0000-4000-8000-000000000001/snapshots';

describe('farm request signatures and job keys', () => {
  it('accepts a request signed with the token for that method and path, within five minutes', () => {
    const now = 1_800_000_000_000;
    const header = signFarmRequest(TOKEN, 'POST', PATH, now);
    expect(header).not.toContain(TOKEN);
    expect(verifyFarmRequest(TOKEN, header, 'POST', PATH, now + 60_000)).toBe(true);
    expect(verifyFarmRequest(TOKEN, header, 'POST', PATH, now - 299_000)).toBe(true);
  });

  it('refuses another token, method, path, an old or future stamp, and malformed headers', () => {
    const now = 1_800_000_000_000;
    const header = signFarmRequest(TOKEN, 'POST', PATH, now);
    expect(verifyFarmRequest('another-farm-token-entirely', header, 'POST', PATH, now)).toBe(false);
    expect(verifyFarmRequest(TOKEN, header, 'PUT', PATH, now)).toBe(false);
    expect(verifyFarmRequest(TOKEN, header, 'POST', PATH.replace('0001', '0002'), now)).toBe(false);
    expect(verifyFarmRequest(TOKEN, header, 'POST', PATH, now + 301_000)).toBe(false);
    expect(verifyFarmRequest(TOKEN, header, 'POST', PATH, now - 301_000)).toBe(false);
    for (const bad of [undefined, '', 'x', `${now}.`, `${now}.${'g'.repeat(64)}`, header.toUpperCase()]) expect(verifyFarmRequest(TOKEN, bad, 'POST', PATH, now)).toBe(false);
  });

  it('gives each run its own job key, which opens no other run', () => {
    const secret = 'studio-only-secret';
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    expect(isJobKeyFor(secret, a, jobKeyFor(secret, a))).toBe(true);
    expect(isJobKeyFor(secret, b, jobKeyFor(secret, a))).toBe(false);
    expect(isJobKeyFor('another-secret', a, jobKeyFor(secret, a))).toBe(false);
    expect(isJobKeyFor(secret, a, undefined)).toBe(false);
  });
});
