import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryReadFileSystem, readPly } from '@playcanvas/splat-transform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRun } from '../../../src/core/pipeline/run-control';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { exportToFileHandler, type SaveDialogRequest } from '../../../src/main/export-to-file';
import { encodeCompactGaussians } from '../../../src/shared/gaussians/compact-gaussians';
import { parseRequest } from '../../../src/shared/validate';
import { randomGaussians } from '../export/random-gaussians';
import { makeTempHome } from '../../helpers/temp-home';

// The desktop app's export: the path comes from the save dialog (here a function answering as the artist would).
let temp: ReturnType<typeof makeTempHome>;
let store: KilnStore;
let runId: string;
const COUNT = 500;

beforeEach(() => {
  temp = makeTempHome('kiln-export-to-file-');
  store = openKilnStore(temp.home);
  const project = store.projects.create('exports');
  runId = createRun(store.runs, project.id, { prompt: 'a yellow sphere', method: 'ism', iterations: 40 }).id;
  for (const iteration of [0, 20]) {
    const payloadBlob = store.blobs.put(encodeCompactGaussians(randomGaussians(COUNT + iteration, 1, iteration + 1)));
    store.runs.addSnapshot({ runId, iteration, stage: 0, gaussians: COUNT + iteration, payloadKind: 'splats', payloadBlob, checkpointBlob: null, thumbnailBlob: null, metrics: {} });
  }
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

function handler(answer: (request: SaveDialogRequest) => string | undefined) {
  const asked: SaveDialogRequest[] = [];
  const run = exportToFileHandler(store, async (r) => (asked.push(r), answer(r)), join(temp.home, 'Documents'));
  return { asked, call: (raw: unknown) => run(parseRequest('runs.exportToFile', raw)) };
}

async function plyRows(path: string): Promise<number> {
  const fs = new MemoryReadFileSystem();
  fs.set('x.ply', new Uint8Array(readFileSync(path)));
  return (await readPly(await fs.createSource('x.ply'))).numRows;
}

describe('runs.exportToFile', () => {
  it('writes the chosen file (adding the extension the dialog left off) and records it as an asset', async () => {
    const chosen = join(temp.home, 'my sphere');
    const { asked, call } = handler(() => chosen);
    const result = await call({ runId, format: 'ply', iteration: 0 });
    expect(asked).toEqual([
      { title: 'Export 3D Gaussian Splatting PLY', defaultPath: join(temp.home, 'Documents', 'a-yellow-sphere-ism-0.ply'), filters: [{ name: '3D Gaussian Splatting PLY', extensions: ['ply'] }] },
    ]);
    expect(result).toEqual({ saved: true, format: 'ply', iteration: 0, byteLength: readFileSync(`${chosen}.ply`).byteLength, path: `${chosen}.ply`, fileName: 'my sphere.ply' });
    expect(await plyRows(`${chosen}.ply`)).toBe(COUNT);
    expect(store.runs.listAssets(runId).map((a) => [a.format, a.path, a.iteration])).toEqual([['ply', `${chosen}.ply`, 0]]);
  });

  it('exports the newest snapshot by default', async () => {
    const { call } = handler(() => join(temp.home, 'latest.ply'));
    expect(await call({ runId, format: 'ply' })).toMatchObject({ saved: true, iteration: 20 });
    expect(await plyRows(join(temp.home, 'latest.ply'))).toBe(COUNT + 20);
  });

  it('writes nothing when the artist cancels the dialog', async () => {
    const { call } = handler(() => undefined);
    expect(await call({ runId, format: 'spz' })).toEqual({ saved: false });
    expect(store.runs.listAssets(runId)).toEqual([]);
    expect(readdirSync(temp.home).filter((f) => f.endsWith('.spz'))).toEqual([]);
  });

  it('refuses a bad format, bad options or a missing snapshot before opening the dialog', async () => {
    const { asked, call } = handler(() => join(temp.home, 'never.ply'));
    await expect(call({ runId, format: 'obj' })).rejects.toThrow(/unknown export format "obj"/);
    await expect(call({ runId, format: 'spz', options: { version: 99 } })).rejects.toThrow(/invalid options for the spz format/);
    await expect(call({ runId, format: 'ply', iteration: 7 })).rejects.toMatchObject({ code: 'not-found' });
    expect(asked).toEqual([]);
    expect(existsSync(join(temp.home, 'never.ply'))).toBe(false);
  });
});
