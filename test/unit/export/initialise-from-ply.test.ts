import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeInriaPly } from '../../../src/core/export/ply/ply-writer';
import { initialiseFromPly } from '../../../src/core/scene/gaussians/initialise-from-ply';
import { KilnError } from '../../../src/shared/errors';
import { randomGaussians } from './random-gaussians';

describe('initialiseFromPly', () => {
  it('truncates SH rest per channel when the run wants a lower degree', () => {
    const g = randomGaussians(40, 3, 21);
    const init = initialiseFromPly(writeInriaPly(g), 1);
    expect(init.shDegreeMax).toBe(1);
    expect(init.shRest).toHaveLength(40 * 9);
    for (let i = 0; i < 40; i++)
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < 3; k++) expect(init.shRest[i * 9 + c * 3 + k]).toBe(g.shRest[i * 45 + c * 15 + k]);
    expect(init.means).toEqual(g.means);
    expect(init.quats).toEqual(g.quats);
    expect(init.shDc).toEqual(g.shDc);
  });

  it('zero-pads the higher bands when the file has a lower degree, from a path on disk', () => {
    const g = randomGaussians(30, 1, 22);
    const path = join(mkdtempSync(join(tmpdir(), 'kiln-ply-')), 'in.ply');
    writeFileSync(path, writeInriaPly(g));
    const init = initialiseFromPly(path, 3);
    expect(init.shDegreeMax).toBe(3);
    for (let i = 0; i < 30; i++)
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < 15; k++) expect(init.shRest[i * 45 + c * 15 + k]).toBe(k < 3 ? g.shRest[i * 9 + c * 3 + k] : 0);
    expect(init.opacityLogits).toEqual(g.opacityLogits);
    expect(init.logScales).toEqual(g.logScales);
  });

  it('names a missing file', () => {
    expect(() => initialiseFromPly('/nonexistent-kiln/x.ply', 0)).toThrow(KilnError);
    expect(() => initialiseFromPly('/nonexistent-kiln/x.ply', 0)).toThrow(/no such file/);
  });
});
