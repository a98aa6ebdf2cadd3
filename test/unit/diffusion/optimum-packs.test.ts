import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../src/core/diffusion/clip-tokenizer';
import { buildVocabulary } from '../../../src/core/diffusion/demo/demo-vocabulary';
import { perpNegGuidance } from '../../../src/core/diffusion/guidance';
import { describePack } from '../../../src/core/diffusion/model-pack';
import { epsilonFromV, x0FromEpsilon, x0FromV } from '../../../src/core/diffusion/prediction';
import { OnnxPrior, type ConditionRow } from '../../../src/core/diffusion/prior';
import { imageOnlyInput } from '../../../src/core/distill/free-image';
import { METHODS } from '../../../src/core/distill/registry';
import { tsmMethod } from '../../../src/core/distill/tsm';
import { Rng } from '../../../src/core/random/rng';
import {
  buildOptimumPack,
  embeddingValue,
  FIXTURE_WORDS,
  LOG_VARIANCE,
  packSpec,
  POOLED_SCALE,
  projectionValue,
  TEXT_SCALE,
  TIME_IDS_SCALE,
  TIME_SCALE,
  UNET_SCALE,
  type OptimumPackOptions,
} from '../../helpers/optimum-pack';
import { kilnIn } from '../../helpers/kiln-cli';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-optimum-');
afterAll(temp.cleanup);

const kiln = kilnIn(temp.home);

const LAYOUTS: [string, OptimumPackOptions][] = [
  ['SD 1.5, latent_sample VAE encoder', { kind: 'sd15', vaeOutput: 'latent_sample' }],
  ['SD 1.5, latent_parameters VAE encoder', { kind: 'sd15', vaeOutput: 'latent_parameters' }],
  ['SD 1.5 fp16', { kind: 'sd15', dtype: 'float16' }],
  ['SD 1.5, UNet weights in model.onnx_data', { kind: 'sd15', externalData: 'model.onnx_data' }],
  ['SD 1.5, UNet weights in weights.pb', { kind: 'sd15', externalData: 'weights.pb' }],
  ['SD 2.1 v-prediction', { kind: 'sd21-v' }],
  ['SD-Turbo', { kind: 'sd-turbo' }],
  ['SDXL base', { kind: 'sdxl' }],
  ['SDXL-Turbo', { kind: 'sdxl-turbo' }],
  ['SDXL fp16 with an fp16-safe VAE (force_upcast false)', { kind: 'sdxl', dtype: 'float16', forceUpcast: false }],
];

const packs = new Map<string, string>();
beforeAll(() => {
  LAYOUTS.forEach(([name, options], i) => packs.set(name, buildOptimumPack(join(temp.home, `pack-${i}`), options)));
});

/** The fixture's token ids, tokenized independently of the pack's tokenizer files. */
function ids(prompt: string, pad: string): number[] {
  const { vocab, merges } = buildVocabulary(FIXTURE_WORDS);
  return new ClipTokenizer(new Map(Object.entries(vocab)), merges, { padToken: pad }).tokenize(prompt).ids;
}

/** hidden_states.k of fixture encoder e for one prompt, [77, W]. */
function hiddenState(e: { width: number; layers: number; seed: number }, tokenIds: number[], k: number): Float32Array {
  const out = new Float32Array(tokenIds.length * e.width);
  tokenIds.forEach((v, s) => {
    for (let j = 0; j < e.width; j++) out[s * e.width + j] = embeddingValue(e, v, j) * ((k + 1) / (e.layers + 1));
  });
  return out;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

describe('packs in the optimum layout', () => {
  it.each(LAYOUTS)('%s: models inspect accepts it and says what it supports', async (name) => {
    const r = await kiln('models', 'inspect', packs.get(name)!, '--json');
    expect(r.code, r.err).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.resolution).toBe(64);
    expect(info.latentShape).toEqual([4, 8, 8]);
    expect(info.support.methods).toEqual(METHODS.map((m) => m.name));
    expect(info.support.resolutions).toEqual([64]);
    expect(info.support.dynamicSize).toBe(true); // optimum leaves height and width dynamic
    const text = await kiln('models', 'inspect', packs.get(name)!);
    expect(text.out).toMatch(/Methods {5}sds, ism, tsm, sdi, ge3d, vdm/);
  });

  it('reads the VAE layout, SDXL parts, prediction type and CFG from the files', () => {
    const d = (name: string) => describePack(packs.get(name)!);
    expect(d('SD 1.5, latent_sample VAE encoder').vaeEncoder).toMatchObject({ layout: 'latent_sample', latentChannels: 4 });
    expect(d('SD 1.5, latent_parameters VAE encoder').vaeEncoder).toMatchObject({ layout: 'latent_parameters', latentChannels: 4 });
    expect(d('SD 1.5, latent_parameters VAE encoder').schedule.config).toMatchObject({ timestep_spacing: 'leading', set_alpha_to_one: false });
    expect(d('SD 2.1 v-prediction').schedule.config.prediction_type).toBe('v_prediction');
    const xl = d('SDXL base');
    expect(xl.isSdxl).toBe(true);
    expect(xl.sdxl).toEqual({ pooledWidth: 5, timeIdCount: 6, zerosForEmptyPrompt: true });
    expect(xl.scalingFactor).toBe(0.13025);
    expect(xl.textEncoders.map((t) => t.hiddenStates.name)).toEqual(['hidden_states.2', 'hidden_states.3']);
    expect(xl.cfg).toBe(true);
    expect(d('SDXL-Turbo').cfg).toBe(false);
    expect(d('SD-Turbo').schedule.timesteps(4)).toEqual([999, 749, 499, 249]);
    expect(d('SD 1.5, UNet weights in weights.pb').headers.unet!.externalFiles).toEqual(['weights.pb']);
  });

  it('latent_parameters: encoding takes the mean half, equal to the latent_sample pack', async () => {
    const a = await OnnxPrior.open(packs.get('SD 1.5, latent_sample VAE encoder')!);
    const b = await OnnxPrior.open(packs.get('SD 1.5, latent_parameters VAE encoder')!);
    try {
      const images = new Rng(5).fillNormal(new Float32Array(2 * 3 * 64 * 64));
      const za = await a.encode(images);
      const zb = await b.encode(images);
      expect(zb.length).toBe(2 * 4 * 8 * 8);
      expect(Array.from(zb)).toEqual(Array.from(za));
      // The raw output really carries the log-variance after the mean, which the encode dropped.
      const raw = await b.pack.sessions.vae_encoder!.session.run({ sample: new (await import('onnxruntime-node')).Tensor('float32', images.subarray(0, 3 * 64 * 64), [1, 3, 64, 64]) });
      const params = raw.latent_parameters!.data as Float32Array;
      expect(params.length).toBe(8 * 64);
      expect(Array.from(params.subarray(4 * 64))).toEqual(new Array(4 * 64).fill(LOG_VARIANCE));
      expect(params[3]! * 0.18215).toBeCloseTo(zb[3]!, 6);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('SDXL conditioning rows: penultimate states of both encoders side by side, pooled text_embeds, zeros for the empty prompt', async () => {
    const prior = await OnnxPrior.open(packs.get('SDXL base')!);
    try {
      const spec = packSpec({ kind: 'sdxl' });
      const [e1, e2] = spec.encoders as [(typeof spec.encoders)[0], (typeof spec.encoders)[0]];
      const [row, empty] = (await prior.encodePrompts(['a red cube', ''])) as Extract<ConditionRow, { kind: 'text' }>[];
      const width = e1.width + e2.width;
      expect(row!.shape).toEqual([77, width]);
      const h1 = hiddenState(e1, ids('a red cube', '<|endoftext|>'), e1.layers - 1);
      const h2 = hiddenState(e2, ids('a red cube', '!'), e2.layers - 1);
      const expected = new Float32Array(77 * width);
      for (let s = 0; s < 77; s++) {
        expected.set(h1.subarray(s * e1.width, (s + 1) * e1.width), s * width);
        expected.set(h2.subarray(s * e2.width, (s + 1) * e2.width), s * width + e1.width);
      }
      for (let i = 0; i < expected.length; i++) expect(row!.hidden[i]).toBeCloseTo(expected[i]!, 6);
      // The two tokenizers pad differently: the second encoder's padding rows are "!" embeddings.
      expect(ids('a red cube', '!')[76]).not.toBe(ids('a red cube', '<|endoftext|>')[76]);
      const last2 = hiddenState(e2, ids('a red cube', '!'), e2.layers);
      const pooled = Array.from({ length: spec.pooledWidth! }, (_, p) => {
        let s = 0;
        for (let j = 0; j < e2.width; j++) s += mean(Array.from({ length: 77 }, (_, t) => last2[t * e2.width + j]!)) * projectionValue(e2.width, j, p);
        return s;
      });
      pooled.forEach((v, p) => expect(row!.pooled![p]).toBeCloseTo(v, 6));
      expect(Array.from(empty!.hidden).every((v) => v === 0)).toBe(true);
      expect(Array.from(empty!.pooled!)).toEqual(new Array(spec.pooledWidth).fill(0));
    } finally {
      await prior.close();
    }
  });

  it('SDXL UNet calls: CFG and Perp-Neg rows carry their own text_embeds and the render time_ids', async () => {
    const prior = await OnnxPrior.open(packs.get('SDXL base')!);
    try {
      const cond = await prior.encodeText('a red cube', '');
      const [side] = await prior.encodePrompts(['a blue mug']);
      const x = new Rng(2).fillNormal(new Float32Array(2 * prior.latentShape.reduce((a, b) => a * b)));
      const t = 500;
      // The fixture UNet, computed independently: A·x + 0.1·mean(hidden) + 0.05·mean(pooled) + 1e-4·mean(time_ids) + 1e-4·t.
      const timeIdsMean = mean([64, 64, 0, 0, 64, 64]);
      const unet = (xi: Float32Array, row: ConditionRow) => {
        const r = row as Extract<ConditionRow, { kind: 'text' }>;
        const c = TEXT_SCALE * mean(r.hidden) + POOLED_SCALE * mean(r.pooled!) + TIME_IDS_SCALE * timeIdsMean + TIME_SCALE * t;
        return xi.map((v) => Math.fround(UNET_SCALE) * v + c);
      };
      const per = x.length / 2;
      const xs = [x.subarray(0, per), x.subarray(per)];
      const cfg = await prior.predictNoise(x, t, cond, { scale: 7.5 });
      xs.forEach((xi, i) => {
        const pos = unet(xi, cond.positive);
        const neg = unet(xi, cond.negative);
        for (let k = 0; k < per; k += 17) expect(cfg[i * per + k]).toBeCloseTo(neg[k]! + 7.5 * (pos[k]! - neg[k]!), 3);
      });
      // The exact feeds of every Perp-Neg call: each row's text_embeds is the pooled embedding of the prompt whose
      // hidden states fill that row, and every row's time_ids is (64, 64, 0, 0, 64, 64) for this 64² pack.
      const session = prior.pack.sessions.unet!.session;
      const run = session.run.bind(session);
      const feeds: Record<string, { data: unknown; dims: readonly number[] }>[] = [];
      session.run = ((f: Record<string, { data: unknown; dims: readonly number[] }>, ...rest: unknown[]) => {
        feeds.push(f);
        return (run as (...a: unknown[]) => unknown)(f, ...rest);
      }) as typeof session.run;
      const perp = await prior.predictNoise(x, t, cond, { scale: 7.5, perpNeg: { negatives: [side!], weights: [0.8] } });
      session.run = run;
      xs.forEach((xi, i) => {
        const expected = perpNegGuidance(unet(xi, cond.negative), unet(xi, cond.positive), [unet(xi, side!)], [0.8], 7.5);
        for (let k = 0; k < per; k += 13) expect(perp[i * per + k]).toBeCloseTo(expected[k]!, 3);
      });
      const texts = [cond.positive, cond.negative, side!].map((r) => r as Extract<ConditionRow, { kind: 'text' }>);
      const rows = feeds.flatMap((f) => {
        const count = f.sample!.dims[0]!;
        const slice = (name: string, r: number) => {
          const data = f[name]!.data as Float32Array;
          const n = data.length / count;
          return Array.from(data.subarray(r * n, (r + 1) * n));
        };
        return Array.from({ length: count }, (_, r) => ({ hidden: slice('encoder_hidden_states', r), pooled: slice('text_embeds', r), timeIds: slice('time_ids', r) }));
      });
      expect(rows.length).toBe(2 * 3); // two views × (conditional, unconditional, one Perp-Neg negative)
      for (const row of rows) {
        expect(row.timeIds).toEqual([64, 64, 0, 0, 64, 64]);
        const owner = texts.find((c) => Array.from(c.hidden).every((v, k) => v === row.hidden[k]));
        expect(owner).toBeDefined();
        expect(row.pooled).toEqual(Array.from(owner!.pooled!));
      }
      expect(new Set(rows.map((r) => texts.findIndex((c) => Array.from(c.hidden).every((v, k) => v === r.hidden[k]))))).toEqual(new Set([0, 1, 2]));
    } finally {
      await prior.close();
    }
  });

  it('v-prediction: ε and x̂₀ from v in closed form, and the prior returns that ε', async () => {
    const prior = await OnnxPrior.open(packs.get('SD 2.1 v-prediction')!);
    try {
      const a = prior.schedule.alphaBar(600);
      const x = new Rng(4).fillNormal(new Float32Array(4 * 8 * 8));
      const cond = await prior.encodeText('a red cube');
      const eps = await prior.predictNoise(x, 600, cond, { scale: 1 });
      const c = TEXT_SCALE * mean((cond.positive as Extract<ConditionRow, { kind: 'text' }>).hidden) + TIME_SCALE * 600;
      const v = x.map((xi) => Math.fround(UNET_SCALE) * xi + c);
      for (let i = 0; i < x.length; i++) {
        // ε = √(1−ᾱ)·x_t + √ᾱ·v and x̂₀ = √ᾱ·x_t − √(1−ᾱ)·v (Salimans & Ho 2022, v = √ᾱ·ε − √(1−ᾱ)·x₀).
        expect(eps[i]).toBeCloseTo(Math.sqrt(1 - a) * x[i]! + Math.sqrt(a) * v[i]!, 4);
      }
      const x0 = x0FromV(x, v, a);
      for (let i = 0; i < x.length; i++) expect(x0[i]).toBeCloseTo(Math.sqrt(a) * x[i]! - Math.sqrt(1 - a) * v[i]!, 5);
      const viaEps = x0FromEpsilon(x, epsilonFromV(x, v, a), a);
      for (let i = 0; i < x.length; i++) expect(viaEps[i]).toBeCloseTo(x0[i]!, 4);
    } finally {
      await prior.close();
    }
  });

  it('Turbo packs run the conditional row only, whatever the CFG scale', async () => {
    const prior = await OnnxPrior.open(packs.get('SDXL-Turbo')!);
    try {
      const cond = await prior.encodeText('a red cube', 'a blue mug');
      const x = new Rng(6).fillNormal(new Float32Array(4 * 8 * 8));
      expect(Array.from(await prior.predictNoise(x, 300, cond, { scale: 7.5 }))).toEqual(Array.from(await prior.predictNoise(x, 300, cond, { scale: 1 })));
      expect(prior.warnings.join('\n')).toMatch(/guidance-distilled/);
    } finally {
      await prior.close();
    }
  });

  it("TSM's pixel clip threshold comes from the settings, else the pack's kiln.json, else 0.05", async () => {
    const dir = join(temp.home, 'clip-pack');
    cpSync(packs.get('SDXL base')!, dir, { recursive: true });
    writeFileSync(join(dir, 'kiln.json'), JSON.stringify({ tsmPixelClipThreshold: 1e-5 }));
    const prior = await OnnxPrior.open(dir);
    try {
      const S = prior.imageSize;
      const images = Float32Array.from({ length: 3 * S * S }, (_, i) => 0.3 + 0.4 * Math.abs(Math.sin(i)));
      const peak = async (settings: unknown) => {
        const method = tsmMethod.create({ prior, conditioning: await prior.encodeText('a red cube'), settings: tsmMethod.settings.parse(settings), rng: new Rng(1) });
        const { dImages } = await method.step(imageOnlyInput(images, S, 0, 400, new Rng(2)));
        return dImages.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      };
      expect(await peak({})).toBeLessThanOrEqual(1e-5 * (1 + 1e-6));
      const stated = await peak({ pixelClip: { threshold: 2e-5 } });
      expect(stated).toBeLessThanOrEqual(2e-5 * (1 + 1e-6));
      expect(stated).toBeGreaterThan(1e-5 * (1 + 1e-6));
    } finally {
      await prior.close();
    }
  });

  it('kiln.json tensorNames lets a pack from another exporter run; without it the unnamed input is an open-time error', async () => {
    const unetNames = { sample: 'x', timestep: 'noise_level', encoder_hidden_states: 'context', out_sample: 'eps' };
    const dir = buildOptimumPack(join(temp.home, 'renamed'), { kind: 'sd15', unetNames });
    const refused = await kiln('models', 'inspect', dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/unet[\\/]model\.onnx has no timestep input/);
    writeFileSync(join(dir, 'kiln.json'), JSON.stringify({ tensorNames: { unet: { timestep: 'noise_level', out_sample: 'eps' } } }));
    const pack = describePack(dir);
    expect([pack.unet.sample.name, pack.unet.timestep.name, pack.unet.encoderHiddenStates!.name, pack.unet.output.name]).toEqual(['x', 'noise_level', 'context', 'eps']);
    const r = await kiln('generate', '--model', dir, '--prompt', 'a red cube', '--method', 'sds', '--iters', '2', '--gaussians', '150', '--threads', '1', '--json');
    expect(r.code, r.err).toBe(0);
  });

  it('kiln models measure reports seconds per guided UNet call, the VAE round trip and memory', async () => {
    const r = await kiln('models', 'measure', packs.get('SDXL base')!, '--repeats', '2', '--json');
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(r.out);
    expect(m).toMatchObject({ imageSize: 64, providers: ['cpu'] });
    for (const key of ['openSeconds', 'guidedCallSeconds', 'vaeRoundTripSeconds', 'residentMiB']) expect(m[key]).toBeGreaterThan(0);
    expect(m.peakResidentMiB).toBeGreaterThanOrEqual(m.residentMiB * 0.99);
    expect((await kiln('models', 'measure', packs.get('SDXL base')!)).out).toMatch(/UNet call {4}\d+\.\d{3} s per guided prediction/);
    expect((await kiln('models', 'measure', packs.get('SDXL base')!, '--repeats', '0')).err).toMatch(/--repeats must be a whole number ≥ 1/);
  });

  const methods = METHODS.map((m) => m.name);
  it.each(LAYOUTS)(
    '%s: kiln generate runs every method for a few iterations',
    async (name) => {
      for (const method of methods) {
        // DTC123's preset adds a mesh stage, which cannot start from two iterations of splats: its Gaussian stage alone.
        const stages = method === 'dtc' ? ['--stages', '[{"representation":"gaussians"}]'] : [];
        const r = await kiln('generate', '--model', packs.get(name)!, '--prompt', 'a red cube', '--method', method, ...stages, '--iters', '2', '--batch', '2', '--gaussians', '150', '--threads', '1', '--json');
        expect(r.code, `${method}: ${r.err}`).toBe(0);
        expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', lastIteration: 2 });
      }
    },
    120_000,
  );
});
