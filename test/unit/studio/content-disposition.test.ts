import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../src/core/studio/run-export';
import { attachmentDisposition, safeDownloadName } from '../../../src/server/content-disposition';

describe('download file names', () => {
  it.each([
    ['a-red-cube-sds-800.glb', 'a-red-cube-sds-800.glb'],
    ['../../etc/passwd', 'etc-passwd'],
    ['..', 'download'],
    ['', 'download'],
    ['.hidden.ply', 'hidden.ply'],
    ['été "quoted"\r\nX-Injected: 1.ply', 'ete-quoted-X-Injected-1.ply'],
    ['C:\\Users\\me\\cube.spz', 'C-Users-me-cube.spz'],
  ])('%j → %j', (requested, expected) => {
    expect(safeDownloadName(requested)).toBe(expected);
  });

  it('keeps the extension when it shortens a long name', () => {
    const name = safeDownloadName(`${'x'.repeat(500)}.ply`);
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.endsWith('.ply')).toBe(true);
  });

  it('never lets a quote, a separator or a line break into the header', () => {
    for (const requested of ['a"b', 'a\nb', 'a/b', 'a\\b', 'a;b', '\u0000']) {
      expect(attachmentDisposition(requested)).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"$/);
    }
  });
});

describe('suggested export names', () => {
  it('are the prompt, the method and the iteration in safe characters', () => {
    expect(exportFileName('a red cube', 'sds', 800, 'glb')).toBe('a-red-cube-sds-800.glb');
    expect(exportFileName('  Une tête, été!  ', 'ism', 3, 'ply')).toBe('une-tete-ete-ism-3.ply');
    expect(exportFileName('???', 'vdm', 0, 'spz')).toBe('kiln-vdm-0.spz');
    const long = exportFileName('a snowman '.repeat(30), 'sds', 10, 'ply');
    expect(long).toMatch(/^[a-z0-9-]{1,60}-sds-10\.ply$/);
    expect(long).not.toContain('--');
  });
});
