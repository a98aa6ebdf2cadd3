import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../../src/core/pipeline/generation';
import { storeReferenceImage } from '../../../src/core/pipeline/reference-intake';
import { ResolvedRunConfig } from '../../../src/core/pipeline/run-config';
import { createBranch, createRun, liveStatus } from '../../../src/core/pipeline/run-control';
import { databasePath } from '../../../src/core/store/kiln-home';
import { openKilnStore } from '../../../src/core/store/kiln-store';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { RunRequest, type Run, type Snapshot } from '../../../src/shared/runs';
import { damagedImages } from '../../helpers/damaged-images';
import { KILN_BIN, kilnProcess } from '../../helpers/kiln-process';
import { startStudioHarness } from '../../helpers/studio-http-harness';
import { makeTempHome } from '../../helpers/temp-home';

const SAMPLES = resolve(__dirname, '../../../resources/reference-samples');
const CUTOUT = join(SAMPLES, 'mug-cutout.png');
const PHOTO = join(SAMPLES, 'snowman-photo.png');
const cutoutBase64 = () => readFileSync(CUTOUT).toString('base64');
/** A small image run: the mug cut-out seen from 20° up (samples.json), SDS on the view-conditioned demo prior. */
const SMALL = ['--method', 'sds', '--seed', '4', '--iters', '24', '--snapshot-every', '4', '--batch', '1', '--gaussians', '300', '--threads', '1'];
const IMAGE_ARGS = ['--image', CUTOUT, '--elevation', '20', ...SMALL];
/** Long enough that the kill lands mid-run (snapshots every 4 iterations; killed after 8). */
const CRASH_ARGS = [...IMAGE_ARGS, '--iters', '60'];
/**
 * DTC123 with a caption: its text teacher (the text demo prior) joins in the mesh stage (from iteration 4), where the
 * kill lands (after iteration 12). The curriculum's stairs are one iteration long and λ > 0 below t = T, so it teaches from the start.
 */
const CAPTIONED_DTC_ARGS = [
  ...IMAGE_ARGS,
  ...['--prompt', 'a mug', '--method', 'dtc', '--method-settings', JSON.stringify({ curriculum: { stepLength: 1 }, textTeacher: { fromT: 1 } })],
  ...['--stages', JSON.stringify([{ representation: 'gaussians', iterations: 4 }, { representation: 'dmtet', iterations: 40 }])],
];

describe('RunRequest: text, a reference image, or both', () => {
  const image = { data: 'iVBORw0KGgo=' };
  it('takes a prompt, an image, or both, and refuses neither with a message that says so', () => {
    expect(RunRequest.safeParse({ prompt: 'a mug' }).success).toBe(true);
    expect(RunRequest.safeParse({ referenceImage: image }).success).toBe(true);
    const both = RunRequest.parse({ prompt: 'a teal mug', referenceImage: { ...image, elevationDeg: 20 } });
    expect(both.referenceImage).toMatchObject({ name: 'reference image', elevationDeg: 20, settings: {} });
    const neither = RunRequest.safeParse({ method: 'sds' });
    expect(neither.success).toBe(false);
    expect(neither.error!.issues.map((i) => i.message)).toEqual(['give a prompt, a reference image, or both']);
  });

  it('refuses an image given both as bytes and as a blob, neither, not base64, or over the size limit', () => {
    const issue = (referenceImage: unknown) => RunRequest.safeParse({ referenceImage }).error?.issues[0]?.message;
    expect(issue({ data: 'AAAA', blob: 'a'.repeat(64) })).toMatch(/either `data`.*or `blob`/);
    expect(issue({ name: 'x.png' })).toMatch(/either `data`.*or `blob`/);
    expect(issue({ data: 'not base64!' })).toMatch(/must be base64/);
    expect(issue({ data: 'A'.repeat(23_000_000) })).toMatch(/at most 16 MiB/);
    expect(issue({ blob: 'xyz' })).toMatch(/SHA-256/);
    expect(issue({ data: 'AAAA', elevationDeg: 90 })).toBeDefined();
    expect(issue({ data: 'AAAA', settings: { size: 512 } })).toBeDefined(); // the size is the prior's
  });
});

describe('the store before and after image runs', () => {
  const temp = makeTempHome('kiln-image-migrate-');
  afterAll(() => temp.cleanup());

  it('migrates a home from before image runs: rows kept, the prompt column nullable, the reference stored', async () => {
    cpSync(resolve(__dirname, '../../fixtures/home-before-stages'), temp.home, { recursive: true });
    const before = new BetterSqlite3(databasePath(temp.home), { readonly: true });
    const oldRuns = before.prepare('SELECT id, prompt, config, status FROM runs ORDER BY id').all();
    const oldSnapshots = before.prepare('SELECT run_id, iteration, splats_blob FROM snapshots ORDER BY run_id, iteration').all();
    before.close();
    expect(oldRuns.length).toBeGreaterThan(0);
    const store = openKilnStore(temp.home);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.db.prepare('SELECT id, prompt, config, status FROM runs ORDER BY id').all()).toEqual(oldRuns);
      expect(store.db.prepare('SELECT run_id, iteration, payload_blob AS splats_blob FROM snapshots ORDER BY run_id, iteration').all()).toEqual(oldSnapshots);
      const columns = store.db.prepare('PRAGMA table_info(runs)').all() as { name: string; notnull: number }[];
      expect(columns.find((c) => c.name === 'prompt')!.notnull).toBe(0);
      expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(['reference_blob', 'reference_name']));
      // The old run still reads (a text run, no reference), and deleting it still cascades to its snapshots.
      const [old] = store.runs.listRuns();
      expect([old!.referenceImage, ResolvedRunConfig.parse(old!.config).reference]).toEqual([null, null]);
      // An image run without a prompt goes in beside it; a row with neither is refused by the table itself.
      const { request } = await storeReferenceImage(store.blobs, { referenceImage: { data: cutoutBase64(), name: 'mug-cutout.png' } });
      const run = createRun(store.runs, old!.projectId, request);
      expect([run.prompt, run.referenceImage?.name, run.name]).toEqual([null, 'mug-cutout.png', 'mug-cutout.png']);
      expect(store.runs.isBlobReferenced(run.referenceImage!.blob)).toBe(true);
      expect(store.runs.referencedBlobs().has(run.referenceImage!.blob)).toBe(true);
      expect(() => store.db.prepare("UPDATE runs SET reference_blob = NULL WHERE id = ?").run(run.id)).toThrow(/CHECK constraint/);
      store.db.prepare('DELETE FROM runs WHERE id = ?').run(old!.id);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM snapshots WHERE run_id = ?').get(old!.id)).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});

describe('image runs end to end', () => {
  const temp = makeTempHome('kiln-image-runs-');
  afterAll(() => temp.cleanup());
  const home = () => ['--home', temp.home];
  const runCount = () => {
    const store = openKilnStore(temp.home);
    try {
      return store.runs.listRuns().length;
    } finally {
      store.close();
    }
  };

  it('kiln generate --image writes a GLB from the photo alone, on the view-conditioned demo prior, storing the photo', () => {
    const out = join(temp.home, 'mug.glb');
    // Enough iterations for the splats to become dense enough to mesh.
    const result = kilnProcess(['generate', ...IMAGE_ARGS, '--iters', '150', '--gaussians', '1000', '--out', out, '--json', ...home()], {}, 240_000);
    expect(result.code, result.err).toBe(0);
    const run = JSON.parse(result.out) as Run & { config: { model: string; reference: unknown } };
    expect([run.status, run.prompt, run.referenceImage?.name, run.config.model]).toEqual(['completed', null, 'mug-cutout.png', 'demo-view']);
    expect(run.config.reference).toEqual({
      blob: run.referenceImage!.blob,
      name: 'mug-cutout.png',
      camera: { elevationDeg: 20, azimuthDeg: 0, radiusM: 2.5, fovYDeg: 40 },
      settings: { borderRatio: 0.2, recentre: false, foregroundThreshold: 0.1, maxHoleFraction: 0.01 },
    });
    const glb = readFileSync(out);
    expect(glb.subarray(0, 4).toString('latin1')).toBe('glTF');
    const store = openKilnStore(temp.home);
    try {
      expect(store.blobs.read(run.referenceImage!.blob, { verify: true }).equals(readFileSync(CUTOUT))).toBe(true);
    } finally {
      store.close();
    }
  }, 240_000);

  it('an opaque photo with a caption: the built-in cut-out warns, the caption is kept', () => {
    const result = kilnProcess(['generate', '--image', PHOTO, '--prompt', 'a snowman', ...SMALL, '--iters', '2', '--json', ...home()], {}, 120_000);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(/warning: .*built-in/i);
    const run = JSON.parse(result.out) as Run;
    expect([run.prompt, run.referenceImage?.name]).toEqual(['a snowman', 'snowman-photo.png']);
    // SDS has no text teacher: the caption only describes the run, and the command line says so.
    expect(result.err).toMatch(/note: the caption is kept as the run's description: no stage of this run \(sds on gaussians\) has a text teacher/);
    expect((run.config as { textModel: unknown }).textModel).toBeNull();
  }, 120_000);

  it('--text-model names the text teacher of a captioned DTC123 run; what cannot use one is refused before any run', () => {
    const before = runCount();
    const dtc = ['generate', '--image', CUTOUT, '--method', 'dtc', ...home()];
    expect(kilnProcess([...dtc, '--text-model', 'demo']).err).toMatch(/reads the photo's caption, and this run has none/);
    expect(kilnProcess([...dtc, '--prompt', 'a mug', '--text-model', 'demo-view']).err).toMatch(/demo-view is a view-conditioned model; the text teacher needs a text-to-image model/);
    expect(kilnProcess([...dtc, '--prompt', 'a mug', '--method', 'sds', '--text-model', 'demo']).err).toMatch(/no stage of this run \(sds on gaussians\) has a text teacher/);
    expect(kilnProcess(['generate', '--prompt', 'a mug', '--text-model', 'demo', ...home()]).err).toMatch(/text teacher of a photo run, and this run has no reference image/);
    expect(runCount()).toBe(before);
    const stages = JSON.stringify([{ representation: 'gaussians', iterations: 2 }, { representation: 'dmtet', iterations: 2 }]);
    const result = kilnProcess([...dtc, '--prompt', 'a mug', '--text-model', 'demo-latent', '--stages', stages, '--batch', '1', '--gaussians', '300', '--threads', '1', '--json'], {}, 120_000);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain('note: the caption steers the text teacher of the dtc on dmtet stage, read by the text model demo-latent');
    const run = JSON.parse(result.out) as Run & { config: { model: string; textModel: string; request: { textModel?: string } } };
    expect([run.status, run.config.model, run.config.textModel, run.config.request.textModel]).toEqual(['completed', 'demo-view', 'demo-latent', 'demo-latent']);
  }, 180_000);

  it('each damaged image is refused with its reason before any run (or project) is recorded', async () => {
    const before = runCount();
    for (const { name, bytes, message } of await damagedImages()) {
      const path = join(temp.home, name);
      writeFileSync(path, bytes);
      const result = kilnProcess(['generate', '--image', path, ...SMALL, '--project', `damaged ${name}`, ...home()]);
      expect(result.code, `${name}: ${result.err}`).not.toBe(0);
      expect(result.err, name).toMatch(message);
      expect(result.err, name).toContain(name);
    }
    expect(runCount()).toBe(before);
    const missing = kilnProcess(['generate', '--image', join(temp.home, 'nowhere.png'), ...home()]);
    expect(missing.err).toMatch(/cannot read --image .*nowhere\.png/);
    const textModel = kilnProcess(['generate', '--image', CUTOUT, '--model', 'demo', ...home()]);
    expect(textModel.err).toMatch(/demo is a text-to-image model and cannot be conditioned on an image/);
    const viewWithoutImage = kilnProcess(['generate', '--prompt', 'a mug', '--model', 'demo-view', ...home()]);
    expect(viewWithoutImage.err).toMatch(/demo-view is a view-conditioned .* takes a reference image/);
    expect(kilnProcess(['generate', ...home()]).err).toMatch(/give a prompt or a photo/);
    expect(kilnProcess(['generate', '--prompt', 'a mug', '--elevation', '10', ...home()]).err).toMatch(/--elevation describes a reference image/);
    expect(runCount()).toBe(before);
  }, 120_000);

  it.each([
    ['a photo run', 'crash', CRASH_ARGS, 8, null],
    ['a captioned DTC123 photo run (killed in its mesh stage, with the text teacher)', 'crash-captioned', CAPTIONED_DTC_ARGS, 12, 'demo'],
  ] as const)('%s killed with SIGKILL mid-run and resumed, ends bit-identical to the uninterrupted run', async (_, project, args, killAfter, textModel) => {
    const uninterrupted = kilnProcess(['generate', ...args, '--project', `${project} reference`, '--json', ...home()], {}, 240_000);
    expect(uninterrupted.code, uninterrupted.err).toBe(0);
    const reference = JSON.parse(uninterrupted.out) as Run;

    const child = spawn(process.execPath, [KILN_BIN, 'generate', ...args, '--project', project, ...home()], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    const store = openKilnStore(temp.home);
    try {
      const crashRun = () => store.runs.listRuns().find((r) => store.projects.get(r.projectId).name === project);
      const end = Date.now() + 120_000;
      while ((crashRun()?.lastIteration ?? 0) < killAfter) {
        if (Date.now() > end) throw new Error('the run made no progress');
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      expect(await exited, 'the run finished before the kill: lengthen it').toBe('SIGKILL');
      const run = crashRun()!;
      expect(liveStatus(run)).toBe('interrupted');
      expect(run.lastIteration).toBeLessThan(reference.targetIterations);
      const resumed = kilnProcess(['resume', run.id.slice(0, 8), '--json', ...home()], {}, 240_000);
      expect(resumed.code, resumed.err).toBe(0);
      const done = store.runs.getRun(run.id);
      expect(done.status).toBe('completed');
      expect([done.referenceImage, done.config.textModel, reference.config.textModel]).toEqual([reference.referenceImage, textModel, textModel]);
      expect(store.runs.latestSnapshot(run.id)!.payloadBlob).toBe(store.runs.latestSnapshot(reference.id)!.payloadBlob);
    } finally {
      store.close();
    }
  }, 360_000);

  it('a branch of an image run carries its photo and camera, and starts from the snapshot as stored', async () => {
    const store = openKilnStore(temp.home);
    try {
      const parent = store.runs.listRuns().find((r) => r.referenceImage !== null && r.status === 'completed' && r.prompt === null)!;
      const branch = createBranch(store.runs, parent.id, 12, { seed: 9, iterations: 4 });
      const config = ResolvedRunConfig.parse(branch.config);
      expect(config.reference).toEqual(ResolvedRunConfig.parse(parent.config).reference);
      expect([branch.referenceImage, branch.prompt, config.model]).toEqual([parent.referenceImage, null, 'demo-view']);
      const done = await executeRun({ home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 }, branch.id);
      expect(done.status).toBe('completed');
      expect(store.runs.listSnapshots(branch.id)[0]!.payloadBlob).toBe(store.runs.getSnapshot(parent.id, 12).payloadBlob);
      // A caption can be added in a branch; the photo stays.
      const captioned = createBranch(store.runs, parent.id, 12, { prompt: 'a teal mug' });
      expect([captioned.prompt, captioned.referenceImage]).toEqual(['a teal mug', parent.referenceImage]);
    } finally {
      store.close();
    }
  }, 120_000);
});

describe('image runs over the StudioApi (HTTP + WebSocket)', () => {
  const temp = makeTempHome('kiln-image-http-');
  let studio: Awaited<ReturnType<typeof startStudioHarness>>;
  let projectId: string;
  beforeAll(async () => {
    studio = await startStudioHarness(temp.home);
    projectId = (await studio.call<{ id: string }>('projects.create', { name: 'Photos' })).id;
  });
  afterAll(async () => {
    await studio?.close();
    temp.cleanup();
  });

  it('runs.start carries the photo as base64, the run completes, and the stored photo is served by hash', async () => {
    const request = { referenceImage: { data: cutoutBase64(), name: 'mug-cutout.png', elevationDeg: 20 }, method: 'sds', iterations: 6, batchSize: 1, initialGaussians: 300, snapshotEvery: 2 };
    const run = await studio.call<Run>('runs.start', { projectId, request });
    expect([run.prompt, run.referenceImage?.name]).toEqual([null, 'mug-cutout.png']);
    expect((await studio.finished(run.id)).status).toBe('completed');
    const photo = await fetch(`${studio.url}/api/blobs/${run.referenceImage!.blob}`);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(readFileSync(CUTOUT))).toBe(true);
    const branch = await studio.call<Run>('runs.branch', { runId: run.id, iteration: 4, overrides: { iterations: 2 } });
    expect(branch.referenceImage).toEqual(run.referenceImage);
    expect((await studio.finished(branch.id)).status).toBe('completed');
    const timeline = await studio.call<Snapshot[]>('runs.timeline', { runId: branch.id });
    expect(timeline[0]!.payloadBlob).toBe((await studio.call<Snapshot[]>('runs.timeline', { runId: run.id })).find((s) => s.iteration === 4)!.payloadBlob);
  }, 120_000);

  it('references.preview shows the cut-out and mask as the model takes them, following the threshold', async () => {
    type Preview = { cutout: string; mask: string; maskSource: string; warnings: string[]; width: number; height: number };
    const photo = readFileSync(PHOTO).toString('base64');
    const coverage = async (preview: Preview) => {
      const { data, info } = await sharp(Buffer.from(preview.mask.split(',')[1]!, 'base64')).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([256, 256, 1]);
      return data.reduce((sum, v) => sum + (v >= 128 ? 1 : 0), 0) / data.length;
    };
    const preview = await studio.call<Preview>('references.preview', { data: photo, name: 'snowman-photo.png' });
    expect([preview.maskSource, preview.width, preview.height]).toEqual(['built-in', 256, 256]);
    expect(preview.warnings.join(' ')).toMatch(/built-in segmentation/);
    expect((await sharp(Buffer.from(preview.cutout.split(',')[1]!, 'base64')).metadata()).channels).toBe(4);
    const covered = await coverage(preview);
    expect(covered).toBeGreaterThan(0.05);
    // A threshold above the object's distance from the backdrop finds less of it, or nothing (a clear error).
    const strict = await studio.post('references.preview', { data: photo, name: 'snowman-photo.png', settings: { foregroundThreshold: 1.7 } });
    if (strict.ok) expect(await coverage(((await strict.json()) as { result: Preview }).result)).toBeLessThan(covered);
    else expect(((await strict.json()) as { error: { message: string } }).error.message).toMatch(/nothing in the foreground/);
    const cutout = await studio.call<Preview>('references.preview', { data: cutoutBase64(), name: 'mug-cutout.png' });
    expect([cutout.maskSource, cutout.warnings]).toEqual(['alpha', []]);
    expect((await studio.post('references.preview', { data: '', name: 'empty.png' })).status).toBe(422);
    expect((await studio.call<Run[]>('runs.list', { projectId })).length).toBe(2);
  }, 60_000);

  it('a damaged photo is a 422 naming it, and no run is recorded; a text-model check says what image runs need', async () => {
    const [, , truncated] = await damagedImages();
    const res = await studio.post('runs.start', { projectId, request: { referenceImage: { data: truncated!.bytes.toString('base64'), name: 'truncated.png' } } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/truncated\.png .*(truncated or damaged|is damaged)/);
    expect((await studio.call<Run[]>('runs.list', { projectId })).length).toBe(2);
    const check = (body: unknown) => studio.call<{ problem: string | null; tokenCount: number }>('prompts.check', body);
    expect((await check({ model: 'demo-view', prompt: '', image: true })).problem).toBeNull();
    expect((await check({ model: 'demo', prompt: 'a mug', image: true })).problem).toMatch(/text-to-image model and cannot be conditioned on an image/);
    expect((await check({ model: 'demo-view', prompt: 'a mug' })).problem).toMatch(/takes a reference image/);
    // A caption that feeds a text teacher is checked and counted as the text model's prompt.
    const caption = await check({ model: 'demo-view', prompt: 'a mug', image: true, textModel: 'demo' });
    expect([caption.problem, caption.tokenCount > 0]).toEqual([null, true]);
    expect((await check({ model: 'demo-view', prompt: 'a ceramic mug', image: true, textModel: 'demo' })).problem).toMatch(/does not know "ceramic" in the caption/);
    expect((await check({ model: 'demo-view', prompt: 'a mug', image: true, textModel: 'demo-view' })).problem).toMatch(/the text teacher needs a text-to-image model/);
    // runs.start takes the text model from the shared RunRequest, and refuses one nothing would use before any row.
    const photo = { data: cutoutBase64(), name: 'mug-cutout.png' };
    const unused = await studio.post('runs.start', { projectId, request: { referenceImage: photo, prompt: 'a mug', method: 'sds', textModel: 'demo' } });
    expect(unused.status).toBe(400);
    expect(((await unused.json()) as { error: { message: string } }).error.message).toMatch(/no stage of this run \(sds on gaussians\) has a text teacher/);
    expect((await studio.call<Run[]>('runs.list', { projectId })).length).toBe(2);
  }, 60_000);
});
