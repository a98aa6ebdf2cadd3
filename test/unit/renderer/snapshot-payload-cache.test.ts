import { describe, expect, it } from 'vitest';
import { SnapshotPayloadCache } from '../../../src/renderer/src/components/viewport/snapshot-payload-cache';
import type { PayloadRef, ViewPayload } from '../../../src/renderer/src/components/viewport/view-payload';

function splats(words: number): ViewPayload {
  return { kind: 'splats', packed: { numSplats: words / 4, packedArray: new Uint32Array(words) } };
}

/** A mesh of V vertices and T triangles: 12V + 12T + 3V bytes. */
function mesh(vertices: number, triangles: number): ViewPayload {
  return { kind: 'mesh', mesh: { positions: new Float32Array(3 * vertices), indices: new Uint32Array(3 * triangles), albedo: new Uint8Array(3 * vertices) } };
}

const ref = (blob: string, kind: PayloadRef['kind'] = 'splats'): PayloadRef => ({ blob, kind });

describe('SnapshotPayloadCache', () => {
  it('loads each blob once, even when asked twice while loading', async () => {
    const loads: string[] = [];
    const cache = new SnapshotPayloadCache(async ({ blob }) => {
      loads.push(blob);
      await new Promise((r) => setTimeout(r, 5));
      return splats(8);
    });
    const [a, b] = await Promise.all([cache.get(ref('a')), cache.get(ref('a'))]);
    expect(a).toBe(b);
    expect(await cache.get(ref('a'))).toBe(a);
    expect(cache.peek('a')).toBe(a);
    expect(loads).toEqual(['a']);
  });

  it('evicts the least recently used payloads beyond its byte budget', async () => {
    const loads: string[] = [];
    // Each payload is 64 bytes; the budget holds two.
    const cache = new SnapshotPayloadCache(async ({ blob }) => (loads.push(blob), splats(16)), 128);
    await cache.get(ref('a'));
    await cache.get(ref('b'));
    cache.peek('a'); // a is now more recent than b
    await cache.get(ref('c'));
    expect(cache.size).toBe(2);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBeDefined();
    await cache.get(ref('b'));
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('hands the loader each payload’s kind and budgets a mesh by its arrays', async () => {
    const kinds: string[] = [];
    // 2 vertices + 2 triangles = 54 bytes: with 64 bytes of splats the 128-byte budget holds both; a second mesh evicts the splats.
    const cache = new SnapshotPayloadCache(async ({ blob, kind }) => (kinds.push(`${blob}:${kind}`), kind === 'mesh' ? mesh(2, 2) : splats(16)), 128);
    await cache.get(ref('s'));
    expect((await cache.get(ref('m', 'mesh'))).kind).toBe('mesh');
    expect(cache.size).toBe(2);
    await cache.get(ref('m2', 'mesh'));
    expect(cache.peek('s')).toBeUndefined();
    expect(kinds).toEqual(['s:splats', 'm:mesh', 'm2:mesh']);
  });

  it('forgets a failed load so a retry can succeed, and prefetch swallows the failure', async () => {
    let fail = true;
    const cache = new SnapshotPayloadCache(async () => {
      if (fail) throw new Error('blob missing');
      return splats(4);
    });
    cache.prefetch([ref('x')]);
    await expect(cache.get(ref('x'))).rejects.toThrow('blob missing');
    fail = false;
    await expect(cache.get(ref('x'))).resolves.toBeDefined();
  });
});
