import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportFormatForPath, exportGaussians, findExportFormat } from '../../../src/core/export/formats';
import { readInriaPly } from '../../../src/core/export/ply/ply-reader';
import { KilnError } from '../../../src/shared/errors';
import { randomGaussians } from './random-gaussians';

const tempDir = () => mkdtempSync(join(tmpdir(), 'kiln-export-'));

async function rejection(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    return err as KilnError;
  }
  throw new Error('expected the export to fail');
}

describe('the export-format registry', () => {
  it('holds uniquely named formats whose default options parse and whose write yields bytes', async () => {
    const names = EXPORT_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['ply', 'spz']));
    const g = randomGaussians(64, 1, 41);
    for (const format of EXPORT_FORMATS) {
      expect(format.extension, format.name).toMatch(/^[a-z0-9]+$/);
      const options = format.options.parse({});
      const out = await format.write(g, options);
      const size = (out instanceof Uint8Array ? [out] : out).reduce((s, c) => s + c.byteLength, 0);
      expect(size, format.name).toBeGreaterThan(0);
    }
  });

  it('finds formats by name and by extension, and lists the known ones otherwise', () => {
    expect(findExportFormat('SPZ').name).toBe('spz');
    expect(exportFormatForPath('/a/b/Cube.PLY').name).toBe('ply');
    expect(() => findExportFormat('obj')).toThrow(/unknown export format "obj"; choose one of: ply, spz/);
    expect(() => exportFormatForPath('/a/cube.obj')).toThrow(/end the file name in one of \.ply, \.spz/);
  });
});

describe('exportGaussians', () => {
  it('writes a PLY that reads back exactly, and reports its size', async () => {
    const g = randomGaussians(100, 2, 42);
    const path = join(tempDir(), 'cube.ply');
    const result = await exportGaussians(g, 'ply', path);
    expect(result).toEqual({ format: 'ply', path, byteLength: statSync(path).size });
    expect(readInriaPly(readFileSync(path)).means).toEqual(g.means);
  });

  it('passes each format its own options, with defaults, and refuses unknown or invalid ones', async () => {
    const dir = tempDir();
    const g = randomGaussians(50, 1, 43);
    await exportGaussians(g, 'spz', join(dir, 'v4.spz'), { version: 4 });
    expect(new TextDecoder().decode(readFileSync(join(dir, 'v4.spz')).subarray(0, 4))).toBe('NGSP');
    await exportGaussians(g, 'spz', join(dir, 'default.spz'));
    expect([...readFileSync(join(dir, 'default.spz')).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect((await rejection(exportGaussians(g, 'spz', join(dir, 'a.spz'), { version: 5 }))).message).toMatch(/invalid options for the spz format: .*version/s);
    expect((await rejection(exportGaussians(g, 'ply', join(dir, 'a.ply'), { quality: 'high' }))).message).toMatch(/invalid options for the ply format/);
  });

  it('explains a wrong extension and an unknown format before doing any work', async () => {
    const g = randomGaussians(5, 0);
    const dir = tempDir();
    const wrong = await rejection(exportGaussians(g, 'ply', join(dir, 'cube.spz')));
    expect(wrong.code).toBe('invalid-request');
    expect(wrong.message).toBe('"cube.spz" does not end in .ply, the ply format\'s extension; name it "cube.ply" or choose --format spz');
    expect((await rejection(exportGaussians(g, 'ply', join(dir, 'cube')))).message).toMatch(/name it "cube.ply"$/);
    expect((await rejection(exportGaussians(g, 'fbx', join(dir, 'cube.fbx')))).message).toMatch(/unknown export format "fbx"/);
    expect((await rejection(exportGaussians(randomGaussians(0, 0), 'ply', join(dir, 'e.ply')))).message).toMatch(/no Gaussians/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves no file, partial or temporary, when the destination cannot be written', async () => {
    const g = randomGaussians(20, 0);
    const dir = tempDir();
    const missing = await rejection(exportGaussians(g, 'ply', join(dir, 'no-such-folder', 'cube.ply')));
    expect(missing.code).toBe('storage');
    expect(missing.message).toMatch(/folder does not exist/);
    mkdirSync(join(dir, 'taken.ply'));
    expect((await rejection(exportGaussians(g, 'ply', join(dir, 'taken.ply')))).message).toMatch(/it is a folder/);
    expect(readdirSync(dir)).toEqual(['taken.ply']);
    expect(readdirSync(join(dir, 'taken.ply'))).toEqual([]);
    if (process.getuid?.() === 0) return; // root writes anywhere; the read-only case is covered for other users
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'cube.ply'), 'old');
    chmodSync(locked, 0o500);
    try {
      expect((await rejection(exportGaussians(g, 'ply', join(locked, 'cube.ply')))).message).toMatch(/permission denied/);
    } finally {
      chmodSync(locked, 0o700);
    }
    expect(readdirSync(locked)).toEqual(['cube.ply']);
    expect(readFileSync(join(locked, 'cube.ply'), 'utf8')).toBe('old');
  });
});
