import { cpSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { MemoryReadFileSystem, readPly } from '@playcanvas/splat-transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClipTokenizer } from '../../../src/core/diffusion/clip-tokenizer';
import { methodByName } from '../../../src/core/distill/registry';
import { ensureDemoPack } from '../../../src/core/diffusion/demo/build-demo-pack';
import type { MethodInfo } from '../../../src/shared/catalog';
import type { ExportResult } from '../../../src/shared/exports';
import { decodeCompactGaussians } from '../../../src/shared/gaussians/compact-gaussians';
import type { ModelInfo, PromptCheck } from '../../../src/shared/models';
import type { Run, Snapshot } from '../../../src/shared/runs';
import { createHttpStudioApi } from '../../../src/renderer/src/api/http-client';
import { decodeLiveSplats, fetchSnapshotGaussians } from '../../../src/renderer/src/api/snapshot-payload';
import { startStudioHarness, type StudioHarness } from '../../helpers/studio-http-harness';
import { makeTempHome } from '../../helpers/temp-home';

// The StudioApi additions the studio UI uses, over HTTP + WebSocket, with runs in real `kiln engine-run` children.
const temp = makeTempHome('kiln-server-ui-');
let studio: StudioHarness;
let projectId: string;
const post = (method: string, body: unknown) => studio.post(method, body);
const call = <T>(method: string, body: unknown) => studio.call<T>(method, body);
const finished = (runId: string) => studio.finished(runId);

/** Width, height and the decoded scanlines of an 8-bit RGB PNG (one IDAT, as Kiln writes). */
function readPng(png: Buffer): { width: number; height: number; raw: Buffer } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const idat = png.indexOf('IDAT');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), raw: inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4))) };
}

const SMALL = { prompt: 'a red cube', iterations: 12, batchSize: 1, initialGaussians: 300, snapshotEvery: 4, seed: 5 };
let demoPackDir: string;

beforeAll(async () => {
  demoPackDir = ensureDemoPack(temp.home, 'pixel').dir;
  studio = await startStudioHarness(temp.home);
  projectId = (await call<{ id: string }>('projects.create', { name: 'Studio UI backend' })).id;
}, 60_000);

afterAll(async () => {
  await studio?.close();
  temp.cleanup();
});

describe('methods and prompts', () => {
  it('lists the methods with settings schemas and presets', async () => {
    const methods = await call<MethodInfo[]>('methods.list', {});
    expect(methods.map((m) => m.name)).toEqual(['sds', 'ism', 'tsm', 'sdi', 'ge3d', 'vdm', 'dtc']);
    const sds = methods[0]!;
    expect(sds.presets.find((p) => p.name === 'fast')).toEqual({ name: 'fast', iterations: 300, batchSize: 1, initialGaussians: 1000, maxGaussians: 10_000, meshIterations: 300 });
    const properties = Object.keys((sds.settingsSchema as { properties: Record<string, unknown> }).properties);
    expect(properties.sort()).toEqual(Object.keys(methodByName('sds').settings.parse({}) as object).sort());
  });

  it("counts a demo prompt's tokens with the demo tokenizer and names the words the demo prior does not know", async () => {
    // Each word the demo prior knows is one token; start and end tokens add two.
    expect(await call<PromptCheck>('prompts.check', { model: 'demo', prompt: 'a red cube front view' })).toEqual({
      tokenCount: 7,
      maxTokens: 77,
      truncated: false,
      problem: null,
    });
    const dragon = await call<PromptCheck>('prompts.check', { model: 'demo', prompt: 'a red dragon' });
    expect(dragon.problem).toMatch(/does not know "dragon"/);
    const negative = await call<PromptCheck>('prompts.check', { model: 'demo-latent', prompt: 'a mug', negativePrompt: 'blurry' });
    expect(negative.problem).toMatch(/"blurry" in the negative prompt/);
    const long = await call<PromptCheck>('prompts.check', { model: 'demo', prompt: Array(100).fill('red').join(' ') });
    expect(long).toMatchObject({ tokenCount: 77, maxTokens: 77, truncated: true });
    expect((await call<PromptCheck>('prompts.check', { model: 'demo', prompt: '  ' })).problem).toMatch(/empty/);
  });

  it("counts exactly as the built demo pack's tokenizer files do, without building a pack", async () => {
    const packTokenizer = loadClipTokenizer(join(demoPackDir, 'tokenizer'));
    for (const prompt of ['a snowman', 'a purple torus, back view', 'an orange dragon', 'zzz qqq 123', Array(90).fill('mug').join(' ')]) {
      const fromPack = packTokenizer.tokenize(prompt);
      const check = await call<PromptCheck>('prompts.check', { model: 'demo', prompt });
      expect([check.tokenCount, check.truncated, check.maxTokens]).toEqual([fromPack.count, fromPack.truncated, packTokenizer.maxLength]);
    }
  });

  it("counts a pack folder's prompt with that pack's tokenizer and does not apply the demo's word list", async () => {
    const check = await call<PromptCheck>('prompts.check', { model: demoPackDir, prompt: 'a red dragon' });
    expect(check.problem).toBeNull();
    // "dragon" is not one of the pack's words, so it splits into byte-level tokens: more than one token for it.
    expect(check.tokenCount).toBeGreaterThan(5);
    const missing = await call<PromptCheck>('prompts.check', { model: join(temp.home, 'nowhere'), prompt: 'a mug' });
    expect(missing).toMatchObject({ tokenCount: 0, problem: expect.stringMatching(/nowhere is not a folder/) });
  });
});

describe('models', () => {
  it('always lists the demo priors, adds a valid pack folder, and refuses a broken one naming the file', async () => {
    const builtIn = await call<ModelInfo[]>('models.list', {});
    expect(builtIn.map((m) => [m.id, m.kind, m.builtIn, m.ok, m.imageSize])).toEqual([
      ['demo', 'text-to-image', true, true, 64],
      ['demo-latent', 'text-to-image', true, true, 64],
      ['demo-view', 'view-conditioned', true, true, 64],
    ]);

    const copy = join(temp.home, 'packs', 'my-pack');
    mkdirSync(join(temp.home, 'packs'), { recursive: true });
    cpSync(demoPackDir, copy, { recursive: true });
    const added = await call<ModelInfo>('models.add', { path: copy });
    expect(added).toMatchObject({ id: copy, name: 'my-pack', kind: 'text-to-image', builtIn: false, path: copy, ok: true, error: null, imageSize: 64 });
    // Adding it again is harmless.
    await call<ModelInfo>('models.add', { path: copy });
    expect((await call<ModelInfo[]>('models.list', {})).map((m) => m.id)).toEqual(['demo', 'demo-latent', 'demo-view', copy]);

    const broken = join(temp.home, 'packs', 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'model_index.json'), '{}');
    const res = await post('models.add', { path: broken });
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('model-pack');
    expect(error.message).toContain(join(broken, 'scheduler', 'scheduler_config.json'));
    expect(error.message).toContain('is missing');
    await expect(call('models.add', { path: 'relative/folder' })).rejects.toThrow(/400 .*absolute/);

    // A registered folder that moves away is listed with its problem, not dropped.
    renameSync(copy, `${copy}-moved`);
    const gone = (await call<ModelInfo[]>('models.list', {})).find((m) => m.id === copy)!;
    expect(gone.ok).toBe(false);
    expect(gone.error).toMatch(/is not a folder/);
    renameSync(`${copy}-moved`, copy);

    expect(await call('models.remove', { id: copy })).toEqual({ id: copy });
    expect((await call<ModelInfo[]>('models.list', {})).map((m) => m.id)).toEqual(['demo', 'demo-latent', 'demo-view']);
    await expect(call('models.remove', { id: copy })).rejects.toThrow(/404/);
    await expect(call('models.remove', { id: 'demo' })).rejects.toThrow(/400 .*built in/);
  });
});

describe('a run as the studio sees it', () => {
  let run: Run;
  let timeline: Snapshot[];

  beforeAll(async () => {
    run = await call<Run>('runs.start', { projectId, request: SMALL });
    expect((await finished(run.id)).status).toBe('completed');
    timeline = await call<Snapshot[]>('runs.timeline', { runId: run.id });
  }, 120_000);

  it('streams live Gaussians and an x̂₀ preview while it trains', () => {
    const live = studio.events.filter((e) => e.type === 'run.splats' && e.runId === run.id);
    expect(live.length).toBeGreaterThan(0);
    for (const e of live) {
      if (e.type !== 'run.splats') continue;
      const g = decodeCompactGaussians(Buffer.from(e.payloadBase64!, 'base64'));
      expect(g.count).toBe(e.gaussians);
      expect(g.means.every(Number.isFinite)).toBe(true);
      expect(e.iteration).toBeGreaterThanOrEqual(1);
      expect(e.iteration).toBeLessThanOrEqual(SMALL.iterations);
    }
    const previews = studio.events.flatMap((e) => (e.type === 'run.progress' && e.progress.runId === run.id && e.progress.preview ? [e.progress.preview] : []));
    expect(previews.length).toBeGreaterThan(0);
    const png = readPng(Buffer.from(previews[0]!.slice('data:image/png;base64,'.length), 'base64'));
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(png.raw.length).toBe((64 * 3 + 1) * 64);
  });

  it('serves a snapshot payload as bytes from snapshots.payload, the same as the blob route', async () => {
    const last = timeline.at(-1)!;
    const res = await post('snapshots.payload', { blob: last.payloadBlob });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const viaGet = new Uint8Array(await (await fetch(`${studio.url}/api/blobs/${last.payloadBlob}`)).arrayBuffer());
    expect(Buffer.compare(bytes, viaGet)).toBe(0);
    expect(decodeCompactGaussians(bytes).count).toBe(last.gaussians);
    expect((await post('snapshots.payload', { blob: 'f'.repeat(64) })).status).toBe(404);
    expect((await post('snapshots.payload', { blob: '../kiln.db' })).status).toBe(400);
  });

  it("gives the renderer's HTTP client the payload as bytes (from the cacheable blob route) and decodes it", async () => {
    const last = timeline.at(-1)!;
    const api = createHttpStudioApi(new URL(studio.url));
    const bytes = await api.call('snapshots.payload', { blob: last.payloadBlob });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const g = await fetchSnapshotGaussians(api, last.payloadBlob);
    expect(g.count).toBe(last.gaussians);
    const asBytes = (f: Float32Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    expect(Buffer.compare(asBytes(g.means), asBytes(decodeCompactGaussians(bytes).means))).toBe(0);
    await expect(api.call('snapshots.payload', { blob: 'e'.repeat(64) })).rejects.toMatchObject({ code: 'not-found' });
    const live = studio.events.find((e) => e.type === 'run.splats' && e.runId === run.id);
    if (live?.type !== 'run.splats') throw new Error('no live splats event');
    expect(decodeLiveSplats(live).count).toBe(live.gaussians);
  });

  it('exports a snapshot into the blob store and serves it as a download with a safe file name', async () => {
    const result = await call<ExportResult>('runs.export', { runId: run.id, format: 'ply' });
    expect(result).toMatchObject({ format: 'ply', iteration: SMALL.iterations, fileName: `a-red-cube-vdm-${SMALL.iterations}.ply` });
    const res = await fetch(`${studio.url}/api/blobs/${result.blob}?download=${encodeURIComponent('../../evil "name".ply')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="evil-name-.ply"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(result.byteLength);
    // A third-party reader (PlayCanvas splat-transform) reads every Gaussian of the snapshot back.
    const fs = new MemoryReadFileSystem();
    fs.set('export.ply', bytes);
    const table = await readPly(await fs.createSource('export.ply'));
    expect(table.numRows).toBe(timeline.at(-1)!.gaussians);
    // Recorded as an asset, which also keeps the blob from being swept as an orphan.
    expect(studio.service.store.runs.listAssets(run.id).map((a) => [a.format, a.blob])).toContainEqual(['ply', result.blob]);
    expect(studio.service.store.runs.referencedBlobs().has(result.blob)).toBe(true);

    const early = await call<ExportResult>('runs.export', { runId: run.id, format: 'spz', iteration: timeline[1]!.iteration });
    expect(early).toMatchObject({ format: 'spz', iteration: timeline[1]!.iteration });
    expect(early.fileName.endsWith('.spz')).toBe(true);
  });

  it('refuses exports it cannot do with the reason', async () => {
    await expect(call('runs.export', { runId: run.id, format: 'obj' })).rejects.toThrow(/400 .*unknown export format "obj"/);
    await expect(call('runs.export', { runId: run.id, format: 'ply', iteration: 3 })).rejects.toThrow(/404/);
    await expect(call('runs.exportToFile', { runId: run.id, format: 'ply' })).rejects.toThrow(/400 .*desktop app/);
  });
});
