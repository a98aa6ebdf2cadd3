import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadJobError, runFarmJob } from '../../../src/core/farm/run-farm-job';
import { executeRun } from '../../../src/core/pipeline/generation';
import { storeReferenceImage } from '../../../src/core/pipeline/reference-intake';
import { branchConfig, resolveRunConfig, ResolvedRunConfig } from '../../../src/core/pipeline/run-config';
import { createRun } from '../../../src/core/pipeline/run-control';
import { captionNote } from '../../../src/core/pipeline/text-teacher';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import type { SnapshotRecord } from '../../../src/core/store/run-repository';
import { KilnError } from '../../../src/shared/errors';
import type { RunRequest } from '../../../src/shared/runs';
import { makeTempHome } from '../../helpers/temp-home';

const CUTOUT = join(resolve(__dirname, '../../../resources/reference-samples'), 'mug-cutout.png');
/** A photo already in the blob store (resolveRunConfig needs no bytes). */
const STORED_PHOTO = { blob: 'a'.repeat(64), name: 'mug-cutout.png', elevationDeg: 20 };
/** DTC123's two stages, tiny; the curriculum's stairs one iteration long and λ > 0 below t = T, so the text teacher works at once. */
const TINY_DTC: RunRequest = {
  method: 'dtc',
  seed: 4,
  batchSize: 1,
  initialGaussians: 300,
  snapshotEvery: 2,
  methodSettings: { curriculum: { stepLength: 1 }, textTeacher: { fromT: 1 } },
  stages: [
    { representation: 'gaussians', iterations: 4 },
    { representation: 'dmtet', iterations: 4 },
  ],
};

const configOf = (request: RunRequest) => resolveRunConfig({ referenceImage: STORED_PHOTO, ...request });

describe("a run's text model (DTC123's text teacher)", () => {
  it('defaults to the text demo prior for a captioned photo run with a text teacher, and says so in the config', () => {
    const config = configOf({ prompt: 'a mug', method: 'dtc' });
    expect([config.model, config.textModel]).toEqual(['demo-view', 'demo']);
    expect(config.request.textModel).toBeUndefined();
    expect(configOf({ prompt: 'a mug', method: 'dtc', textModel: 'demo-latent' }).textModel).toBe('demo-latent');
  });

  it('is none without a caption, for a method without a text teacher, and for a text run', () => {
    expect(configOf({ method: 'dtc' }).textModel).toBeNull();
    expect(configOf({ prompt: 'a mug', method: 'sds' }).textModel).toBeNull();
    // DTC123's text teacher is of its mesh stage (the paper's second stage): a Gaussian stage alone has none.
    expect(configOf({ prompt: 'a mug', method: 'dtc', stages: [{ representation: 'gaussians' }] }).textModel).toBeNull();
    expect(resolveRunConfig({ prompt: 'a mug', method: 'dtc' }).textModel).toBeNull();
  });

  it('reads configs stored before text models as having none', () => {
    const { textModel: _, ...older } = configOf({ prompt: 'a mug', method: 'dtc' });
    expect(ResolvedRunConfig.parse(older).textModel).toBeNull();
  });

  it("is carried by a branch of the same method, and dropped by one that changes the method (it was that method's)", () => {
    const parent = configOf({ prompt: 'a mug', method: 'dtc', textModel: 'demo-latent' });
    expect(branchConfig(parent, { seed: 9 }).textModel).toBe('demo-latent');
    expect(branchConfig(parent, { seed: 9 }, 1).stages.map((s) => s.representation)).toEqual(['dmtet']);
    expect(branchConfig(parent, { seed: 9 }, 1).textModel).toBe('demo-latent');
    expect(branchConfig(parent, { method: 'sds' }).textModel).toBeNull();
  });

  it('says what the caption does', () => {
    const note = (request: RunRequest) => {
      const config = configOf(request);
      return captionNote({ ...config, image: true });
    };
    expect(note({ prompt: 'a mug', method: 'dtc' })).toBe('the caption steers the text teacher of the dtc on dmtet stage, read by the text model demo');
    expect(note({ prompt: 'a mug', method: 'sds' })).toMatch(/kept as the run's description: no stage of this run \(sds on gaussians\) has a text teacher/);
    expect(note({ method: 'dtc' })).toBeNull();
  });
});

describe('on a farm worker', () => {
  const temp = makeTempHome('kiln-text-teacher-farm-');
  afterAll(() => temp.cleanup());

  it('finds the text model as it finds the model: a pack it lacks fails the job before anything is fetched', async () => {
    const config = configOf({ prompt: 'a mug', method: 'dtc', textModel: '/studio/packs/sd-text' });
    const job = { runId: randomUUID(), config, studioUrl: 'http://127.0.0.1:9', jobKey: '0'.repeat(64) };
    const settings = { home: temp.home, token: 't', name: 'test:1', threads: 1, executionProvider: 'cpu' as const, modelsDir: join(temp.home, 'packs') };
    const control = { studioStop: null, handBack: null };
    const run = runFarmJob(job, settings, control, () => {});
    await expect(run).rejects.toBeInstanceOf(BadJobError);
    await expect(run).rejects.toThrow(`worker test:1 has no model pack "sd-text" (looked for ${join(temp.home, 'packs', 'sd-text')})`);
  });
});

describe('refusals before any row is written', () => {
  const temp = makeTempHome('kiln-text-teacher-refusals-');
  let store: KilnStore;
  let projectId: string;
  let photo: Record<string, unknown>;
  beforeAll(async () => {
    store = openKilnStore(temp.home);
    projectId = store.projects.create('Refusals').id;
    photo = (await storeReferenceImage(store.blobs, { referenceImage: { data: readFileSync(CUTOUT).toString('base64'), name: 'mug-cutout.png' } })).request;
  });
  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  it.each([
    ['a text model without a caption', { method: 'dtc', textModel: 'demo' }, /reads the photo's caption, and this run has none/],
    ['a view-conditioned text model', { prompt: 'a mug', method: 'dtc', textModel: 'demo-view' }, /demo-view is a view-conditioned model; the text teacher needs a text-to-image model/],
    ['a text model with a method without a text teacher', { prompt: 'a mug', method: 'sds', textModel: 'demo' }, /no stage of this run \(sds on gaussians\) has a text teacher .*--method dtc/],
    ['a caption the text demo prior cannot read', { prompt: 'a ceramic mug', method: 'dtc' }, /does not know "ceramic" in the caption \(the text teacher reads it with demo/],
    ['a text model on a text run', { prompt: 'a mug', method: 'dtc', textModel: 'demo', referenceImage: undefined }, /is the text teacher of a photo run, and this run has no reference image/],
    ['a text model pack folder that does not exist', { prompt: 'a mug', method: 'dtc', textModel: '/nowhere/sd-pack' }, /nowhere\/sd-pack is not a folder/],
  ])('%s', (_, fields, message) => {
    const before = store.runs.listRuns().length;
    let error: unknown;
    try {
      createRun(store.runs, projectId, { ...photo, ...fields });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toMatch(message);
    expect(store.runs.listRuns().length).toBe(before);
  });
});

describe('a captioned photo run on the demo packs', () => {
  const temp = makeTempHome('kiln-text-teacher-run-');
  afterAll(() => temp.cleanup());

  it('runs its text teacher in the mesh stage only: the Gaussian stage is unchanged, the mesh is not', async () => {
    const store = openKilnStore(temp.home);
    try {
      const projectId = store.projects.create('Captions').id;
      const { request } = await storeReferenceImage(store.blobs, { ...TINY_DTC, referenceImage: { data: readFileSync(CUTOUT).toString('base64'), name: 'mug-cutout.png', elevationDeg: 20 } });
      const env = { home: temp.home, runs: store.runs, blobs: store.blobs, threads: 1 };
      const captioned = createRun(store.runs, projectId, { ...request, prompt: 'a mug' });
      const uncaptioned = createRun(store.runs, projectId, request);
      expect([ResolvedRunConfig.parse(captioned.config).textModel, ResolvedRunConfig.parse(uncaptioned.config).textModel]).toEqual(['demo', null]);
      for (const run of [captioned, uncaptioned]) expect((await executeRun(env, run.id)).status).toBe('completed');
      const [withText, without] = [store.runs.listSnapshots(captioned.id), store.runs.listSnapshots(uncaptioned.id)];
      // The Gaussian stage (iterations 0–4) has no text teacher: bit for bit the same with or without the caption.
      const lastGaussians = (snapshots: SnapshotRecord[]) => snapshots.filter((s) => s.stage === 0).at(-1)!;
      expect(lastGaussians(withText).iteration).toBe(4);
      expect(lastGaussians(withText).payloadBlob).toBe(lastGaussians(without).payloadBlob);
      expect(withText.filter((s) => s.stage === 0).some((s) => 'term.text' in s.metrics)).toBe(false);
      // The mesh stage is taught by it too, and ends elsewhere.
      // (An iteration that draws the reference view instead of the teachers, a quarter of them, logs no text term.)
      const meshText = withText.filter((s) => s.stage === 1 && s.iteration > 4 && 'term.text' in s.metrics).map((s) => s.metrics['term.text']);
      expect(meshText.length).toBeGreaterThan(0);
      for (const term of meshText) expect(term).toBeGreaterThan(0);
      expect(without.some((s) => 'term.text' in s.metrics)).toBe(false);
      expect(withText.at(-1)!.payloadBlob).not.toBe(without.at(-1)!.payloadBlob);
    } finally {
      store.close();
    }
  }, 120_000);
});
