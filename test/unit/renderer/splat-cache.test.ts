import { describe, expect, it } from 'vitest';
import { PackedSplatCache } from '../../../src/renderer/src/components/viewport/splat-cache';
import type { PackedGaussians } from '../../../src/renderer/src/components/viewport/splat-packing';

function payload(words: number): PackedGaussians {
  return { numSplats: words / 4, packedArray: new Uint32Array(words) };
}

describe('PackedSplatCache', () => {
  it('loads each blob once, even when asked twice while loading', async () => {
    const loads: string[] = [];
    const cache = new PackedSplatCache(async (blob) => {
      loads.push(blob);
      await new Promise((r) => setTimeout(r, 5));
      return payload(8);
    });
    const [a, b] = await Promise.all([cache.get('a'), cache.get('a')]);
    expect(a).toBe(b);
    expect(await cache.get('a')).toBe(a);
    expect(cache.peek('a')).toBe(a);
    expect(loads).toEqual(['a']);
  });

  it('evicts the least recently used payloads beyond its byte budget', async () => {
    const loads: string[] = [];
    // Each payload is 64 bytes; the budget holds two.
    const cache = new PackedSplatCache(async (blob) => (loads.push(blob), payload(16)), 128);
    await cache.get('a');
    await cache.get('b');
    cache.peek('a'); // a is now more recent than b
    await cache.get('c');
    expect(cache.size).toBe(2);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBeDefined();
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('forgets a failed load so a retry can succeed, and prefetch swallows the failure', async () => {
    let fail = true;
    const cache = new PackedSplatCache(async () => {
      if (fail) throw new Error('blob missing');
      return payload(4);
    });
    cache.prefetch(['x']);
    await expect(cache.get('x')).rejects.toThrow('blob missing');
    fail = false;
    await expect(cache.get('x')).resolves.toBeDefined();
  });
});
