import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storageError, writeFileAtomic } from '../../../src/core/fs/atomic-file';
import { KilnError } from '../../../src/shared/errors';

describe('writeFileAtomic', () => {
  it('writes all chunks and replaces an existing file without leaving temporaries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-atomic-'));
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old');
    writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array([3])]);
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('leaves the destination untouched and no temporary when the folder cannot be written', () => {
    if (process.getuid?.() === 0) return expect(storageError(Object.assign(new Error('x'), { code: 'EACCES' }), '/p').message).toMatch(/permission/);
    const dir = mkdtempSync(join(tmpdir(), 'kiln-atomic-'));
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old');
    chmodSync(dir, 0o500);
    try {
      expect(() => writeFileAtomic(path, new Uint8Array([1]))).toThrow(/permission denied/);
    } finally {
      chmodSync(dir, 0o700);
    }
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('names a missing folder and a full disk in plain words', () => {
    expect(() => writeFileAtomic('/nonexistent-kiln-dir/x.bin', new Uint8Array([1]))).toThrow(/folder does not exist/);
    const full = storageError(Object.assign(new Error('write'), { code: 'ENOSPC' }), '/a/b.glb');
    expect(full).toBeInstanceOf(KilnError);
    expect(full.message).toBe('cannot write /a/b.glb: the disk is full; free some space and try again');
  });
});
