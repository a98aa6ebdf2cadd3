import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPack, demoViews, ensureDemoPack, renderTrainingImages } from '../../../src/core/diffusion/demo/build-demo-pack';
import { DemoPackParams, type DemoKind } from '../../../src/core/diffusion/demo/demo-params';
import { DEMO_OBJECTS } from '../../../src/core/diffusion/demo/objects';
import { addNoise } from '../../../src/core/diffusion/prediction';
import { OnnxPrior, type Prior } from '../../../src/core/diffusion/prior';
import { Rng } from '../../../src/core/random/rng';
import { makeTempHome } from '../../helpers/temp-home';
import { nearestIndex, psnr, referenceEpsilon } from './mixture-reference';

const temp = makeTempHome('kiln-demo-');
afterAll(temp.cleanup);

interface Fixture {
  prior: Prior;
  /** Training images as the UNet sees them (scaled latents for the latent pack). */
  centres: Float32Array;
  views: number;
  sigmaData: number;
}

const params = DemoPackParams.parse({});
const images = renderTrainingImages(params);
const fixtures: Partial<Record<DemoKind, Fixture>> = {};

async function fixture(kind: 'pixel' | 'latent'): Promise<Fixture> {
  if (fixtures[kind]) return fixtures[kind];
  const { dir } = ensureDemoPack(temp.home, kind);
  const prior = await OnnxPrior.open(dir);
  const f = { prior, centres: await prior.encode(images), views: demoViews(params).length, sigmaData: prior.manifest.demo!.sigmaData };
  fixtures[kind] = f;
  return f;
}

afterAll(async () => {
  for (const f of Object.values(fixtures)) await f.prior.close();
});

const objectOf = (f: Fixture, componentIndex: number) => DEMO_OBJECTS[Math.floor(componentIndex / f.views)]!.id;
const latentSize = (p: Prior) => p.latentShape[0] * p.latentShape[1] * p.latentShape[2];

describe.each(['pixel', 'latent'] as const)('demo prior (%s)', (kind) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });

  it('records its objects, prompts and camera distribution in kiln.json', () => {
    const m = f.prior.manifest;
    expect(m.kind).toBe('text-to-image');
    expect(m.demo!.objects.length).toBeGreaterThanOrEqual(8);
    expect(m.prompts).toContain('a cube');
    expect(m.camera).toMatchObject({ radiusM: 2.5, fovYDeg: 40, imageSize: 64 });
    expect(f.prior.latentShape).toEqual(kind === 'pixel' ? [3, 64, 64] : [4, 32, 32]);
  });

  it('text encoder: empty prompt weights all objects, "a cube" the three cubes, "a red cube" only the red one', async () => {
    const weights = async (prompt: string) => {
      const [row] = await f.prior.encodePrompts([prompt]);
      if (row?.kind !== 'text') throw new Error('text row expected');
      return Array.from(row.hidden.subarray(0, DEMO_OBJECTS.length), Math.exp);
    };
    const uniform = 1 / DEMO_OBJECTS.length;
    for (const w of await weights('')) expect(w).toBeCloseTo(uniform, 5);
    const cube = await weights('a cube');
    expect(cube.slice(0, 3).map((w) => w.toFixed(4))).toEqual(['0.3333', '0.3333', '0.3333']);
    expect(Math.max(...cube.slice(3))).toBeLessThan(1e-9);
    const red = await weights('A Red  cube');
    expect(red[0]).toBeCloseTo(1, 6);
  });

  it('the ONNX denoiser equals the float64 formula on random inputs (max abs error ≤ 1e-4)', async () => {
    const rng = new Rng(11);
    const L = latentSize(f.prior);
    const cond = await f.prior.encodeText('a cube');
    const row = cond.positive.kind === 'text' ? cond.positive.hidden : new Float32Array();
    const logWeights = Array.from({ length: f.centres.length / L }, (_, i) => row[Math.floor(i / f.views)]!);
    let worst = 0;
    for (const t of [50, 300, 600, 900]) {
      const a = f.prior.schedule.alphaBar(t);
      // A noised training image (where the posterior is interesting) and pure noise.
      const x0 = f.centres.subarray(7 * L, 8 * L);
      const inputs = [addNoise(x0, rng.fillNormal(new Float32Array(L)), a), rng.fillNormal(new Float32Array(L))];
      for (const xt of inputs) {
        const eps = await f.prior.predictNoise(xt, t, cond, { scale: 1 });
        const ref = referenceEpsilon(xt, f.centres, logWeights, a, f.sigmaData);
        for (let i = 0; i < L; i++) worst = Math.max(worst, Math.abs(eps[i]! - ref[i]!));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('CFG: cond and uncond rows batched in one call equal two separate calls; Perp-Neg with no negatives is CFG', async () => {
    const rng = new Rng(5);
    const L = latentSize(f.prior);
    const x = rng.fillNormal(new Float32Array(2 * L));
    const t = 500;
    const cond = await f.prior.encodeText('a red cube', 'a blue cube');
    const guided = await f.prior.predictNoise(x, t, cond, { scale: 7.5 });
    const epsCond = await f.prior.predictNoise(x, t, cond, { scale: 1 });
    const epsUncond = await f.prior.predictNoise(x, t, { positive: cond.negative, negative: cond.negative }, { scale: 1 });
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(guided[i]! - (epsUncond[i]! + 7.5 * (epsCond[i]! - epsUncond[i]!))));
    expect(worst).toBeLessThan(1e-4);
    const perp = await f.prior.predictNoise(x, t, cond, { scale: 7.5, perpNeg: { negatives: [], weights: [] } });
    for (let i = 0; i < x.length; i += 97) expect(perp[i]).toBeCloseTo(guided[i]!, 4);
  });

  it('DDIM: a training image inverted to t = 600 and denoised back (CFG 1, 20 moves each way) returns to itself', async () => {
    const L = latentSize(f.prior);
    const results: number[] = [];
    for (const index of [3, 5 * f.views + 17, 8 * f.views + 30]) {
      const cond = await f.prior.encodeText(DEMO_OBJECTS[Math.floor(index / f.views)]!.prompt);
      const x0 = f.centres.slice(index * L, (index + 1) * L);
      const noisy = await f.prior.ddim(x0, 0, 600, cond, { scale: 1 }, { moves: 20 });
      const back = await f.prior.ddim(noisy, 600, 0, cond, { scale: 1 }, { moves: 20 });
      results.push(psnr(await f.prior.decode(back), await f.prior.decode(x0)));
    }
    console.info(`[${kind}] DDIM 0→600→0 round trip, 20 moves each way: PSNR ${results.map((r) => r.toFixed(1)).join(', ')} dB`);
    for (const r of results) expect(r).toBeGreaterThan(30);
  });

  it('50-step DDIM sampling lands on the prompted object; "a cube" reaches all three colours; "" reaches every object', async () => {
    const L = latentSize(f.prior);
    const nearestObjects = async (prompt: string, n: number, seed: number) => {
      const x = await f.prior.sample(n, await f.prior.encodeText(prompt), { scale: 1 }, { steps: 50, rng: new Rng(seed) });
      return Array.from({ length: n }, (_, i) => objectOf(f, nearestIndex(x.subarray(i * L, (i + 1) * L), f.centres)));
    };
    for (const [prompt, id] of [['a red cube', 'red-cube'], ['a snowman', 'snowman'], ['an orange cone', 'cone'], ['a mug', 'mug']]) {
      expect(new Set(await nearestObjects(prompt!, 3, 1))).toEqual(new Set([id]));
    }
    expect(new Set(await nearestObjects('a cube', 16, 2))).toEqual(new Set(['red-cube', 'green-cube', 'blue-cube']));
    expect(new Set(await nearestObjects('', 48, 3))).toEqual(new Set(DEMO_OBJECTS.map((o) => o.id)));
  });
});

describe('demo pack building', () => {
  const hashes = (dir: string) =>
    ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'].map((c) =>
      createHash('sha256').update(readFileSync(join(dir, c, 'model.onnx'))).digest('hex'),
    );

  it('is deterministic: building twice gives identical ONNX bytes', () => {
    const a = buildDemoPack(join(temp.home, 'det-a'), { kind: 'latent', imageSize: 32 });
    const b = buildDemoPack(join(temp.home, 'det-b'), { kind: 'latent', imageSize: 32 });
    expect(hashes(a.dir)).toEqual(hashes(b.dir));
    expect(readFileSync(join(a.dir, 'kiln.json'), 'utf8')).toBe(readFileSync(join(b.dir, 'kiln.json'), 'utf8'));
  });

  it('reuses a current pack and rebuilds when the parameters change', () => {
    const first = ensureDemoPack(join(temp.home, 'cache'), 'pixel', { imageSize: 16 });
    expect(first.built).toBe(true);
    expect(ensureDemoPack(join(temp.home, 'cache'), 'pixel', { imageSize: 16 }).built).toBe(false);
    expect(ensureDemoPack(join(temp.home, 'cache'), 'pixel', { imageSize: 16, sigmaData: 0.2 }).built).toBe(true);
  });

  it('an fp16-I/O pack goes through the half-float path and agrees with fp32', async () => {
    const small = { kind: 'pixel' as const, imageSize: 16 };
    const p32 = await OnnxPrior.open(buildDemoPack(join(temp.home, 'io32'), small).dir);
    const p16 = await OnnxPrior.open(buildDemoPack(join(temp.home, 'io16'), { ...small, ioType: 'float16' }).dir);
    try {
      expect(p16.pack.unet.sample.type).toBe('float16');
      const x = new Rng(3).fillNormal(new Float32Array(3 * 16 * 16));
      const [c32, c16] = [await p32.encodeText('a torus'), await p16.encodeText('a torus')];
      const [e32, e16] = [await p32.predictNoise(x, 400, c32, { scale: 3 }), await p16.predictNoise(x, 400, c16, { scale: 3 })];
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(e32[i]! - e16[i]!));
      expect(worst).toBeLessThan(0.05);
    } finally {
      await p32.close();
      await p16.close();
    }
  });
});
