import { describe, expect, it } from 'vitest';
import { poseEmbedding } from '../../../src/core/diffusion/pose-embedding';
import type { Conditioning, PerImage } from '../../../src/core/diffusion/prior';
import { DtcSettings, dtcMethod, textTeacherWeight } from '../../../src/core/distill/dtc';
import { sdsMethod } from '../../../src/core/distill/sds';
import { foldedRelativeAzimuthDeg, JanusDropout, janusKeep } from '../../../src/core/distill/shared/janus-dropout';
import { dtcBounds } from '../../../src/core/distill/shared/timesteps';
import { posedConditioning } from '../../../src/core/distill/shared/view-conditioning';
import { Rng } from '../../../src/core/random/rng';
import { useDemoPrior, type DemoPriorFixture } from './demo-prior-fixture';

const fixture = useDemoPrior('view');
const textFixture = useDemoPrior('pixel');
const REFERENCE = { elevationDeg: 15, azimuthDeg: 15, radiusM: 2.5 };

describe('Janus de-biasing windows (the paper: view teacher [11π/12, 13π/12], text teacher ±[π/6, π/4])', () => {
  const s = JanusDropout.parse({ probability: 1 });

  it('folds the azimuth relative to the reference into [0, 180]', () => {
    expect(foldedRelativeAzimuthDeg(195, 15)).toBe(180);
    expect(foldedRelativeAzimuthDeg(-160, 15)).toBe(175);
    expect(foldedRelativeAzimuthDeg(15 + 170, 15)).toBe(170);
    expect(foldedRelativeAzimuthDeg(15 - 40, 15)).toBe(40);
    expect(foldedRelativeAzimuthDeg(375, 15)).toBe(0);
  });

  it('drops exactly the views inside each window (probability 1), none outside, and draws only for views inside', () => {
    const azimuths = [15, 15 + 160, 15 + 166, 15 - 170, 15 + 180, 15 + 35, 15 - 40, 15 + 50];
    const rng = new Rng(3);
    expect(janusKeep(azimuths, 15, s, s.viewWindowDeg, rng)).toEqual([true, true, false, false, false, true, true, true]);
    expect(janusKeep(azimuths, 15, s, s.textWindowDeg, rng)).toEqual([true, true, true, true, true, false, false, true]);
    const untouched = new Rng(9);
    const state = JSON.stringify(untouched.getState());
    janusKeep([15, 100], 15, s, s.viewWindowDeg, untouched);
    expect(JSON.stringify(untouched.getState())).toBe(state);
    expect(janusKeep([195, 195], 15, JanusDropout.parse({ enabled: false }), s.viewWindowDeg, rng)).toEqual([true, true]);
  });

  it('drops about `probability` of the views inside a window', () => {
    const half = JanusDropout.parse({});
    const rng = new Rng(5);
    const kept = janusKeep(new Array<number>(2000).fill(195), 15, half, half.viewWindowDeg, rng).filter(Boolean).length;
    expect(kept / 2000).toBeGreaterThan(0.45);
    expect(kept / 2000).toBeLessThan(0.55);
  });
});

describe('the text teacher weight λ', () => {
  it('is 0 above fromT and rises linearly to weightMax at t_min', () => {
    const s = DtcSettings.parse({});
    expect(textTeacherWeight(s, 0.9)).toBe(0);
    expect(textTeacherWeight(s, 0.5)).toBe(0);
    expect(textTeacherWeight(s, (0.5 + 0.02) / 2)).toBeCloseTo(0.5, 6);
    expect(textTeacherWeight(s, 0.02)).toBe(1);
  });
});

async function referenceConditioning(f: DemoPriorFixture) {
  const S = f.prior.imageSize;
  const image = f.training.find((t) => t.objectId === 'mug')!.image;
  return { S, image, conditioning: await f.prior.conditionOnView(image.map((v) => 2 * v - 1), [[0, 0, 1, 0]]) };
}

describe('dtc on the demo view pack', () => {
  it('conditions each view on its pose relative to the reference (and sds does too, the Zero-1-to-3 baseline)', async () => {
    const f = fixture();
    const { conditioning } = await referenceConditioning(f);
    const views = [
      { elevationDeg: 0, azimuthDeg: 100, radiusM: 2.5 },
      { elevationDeg: 30, azimuthDeg: -60, radiusM: 2.5 },
    ];
    const posed = posedConditioning(f.prior, conditioning, REFERENCE, views);
    expect(posed.positive.kind === 'view' && posed.positive.poses).toEqual(views.map((v) => poseEmbedding(REFERENCE, v, 'zero123')));
    expect(posed.negative).toBe(conditioning.negative);
    const seen: PerImage<Conditioning>[] = [];
    // The prior as it is, except that predictNoise records the conditioning it is given.
    const spy = Object.assign(Object.create(f.prior) as typeof f.prior, {
      predictNoise: (x: Float32Array, _t: number, cond: PerImage<Conditioning>) => (seen.push(cond), Promise.resolve(new Float32Array(x.length))),
    });
    const S = f.prior.imageSize;
    const sds = sdsMethod.create({ prior: spy, conditioning, settings: sdsMethod.settings.parse({}), rng: new Rng(1), referenceCamera: REFERENCE });
    await sds.step({ images: new Float32Array(2 * 3 * S * S).fill(0.5), alpha: new Float32Array(2 * S * S), depth: new Float32Array(2 * S * S), views, iteration: 0, totalIterations: 10, rng: new Rng(2) });
    expect(seen[0]).toEqual(posed);
  });

  it('steps: t inside the curriculum window, a finite gradient, x̂₀ by DDIM moves at the end, reference supervision asked for', async () => {
    const f = fixture();
    const { S, conditioning } = await referenceConditioning(f);
    const settings = DtcSettings.parse({ janus: { enabled: false } });
    const method = dtcMethod.create({ prior: f.prior, conditioning, settings, rng: new Rng(1), referenceCamera: REFERENCE });
    expect(method.referenceSupervision?.probability).toBe(0.25);
    const mugs = f.training.filter((t) => t.objectId === 'mug');
    const images = new Float32Array(2 * 3 * S * S);
    images.set(mugs[4]!.image, 0);
    images.set(mugs[9]!.image.map((v) => 0.7 * v + 0.15), 3 * S * S);
    const views = [
      { elevationDeg: 0, azimuthDeg: 120, radiusM: 2.5 },
      { elevationDeg: 15, azimuthDeg: 270, radiusM: 2.5 },
    ];
    const rng = new Rng(4);
    const total = 20;
    const T = f.prior.schedule.trainTimesteps;
    for (const iteration of [0, 7, 19]) {
      const result = await method.step({ images, alpha: new Float32Array(2 * S * S).fill(1), depth: new Float32Array(2 * S * S), views, iteration, totalIterations: total, rng });
      const [lo, hi] = dtcBounds(settings.curriculum, iteration, total, T);
      expect(result.t).toBeGreaterThanOrEqual(lo);
      expect(result.t).toBeLessThanOrEqual(hi);
      expect(result.dImages.every(Number.isFinite)).toBe(true);
      expect(result.dImages.some((v) => v !== 0)).toBe(true);
      expect(result.unetCalls).toBe(iteration >= 0.9 * total ? settings.finalDdim.moves : 1);
      expect(result.x0Preview).toHaveLength(3 * S * S);
    }
  });

  it('follows the curriculum over the whole run: a mesh stage starting at 75 % of the run draws the small t of 75 %', async () => {
    const f = fixture();
    const { S, conditioning } = await referenceConditioning(f);
    const settings = DtcSettings.parse({ janus: { enabled: false } });
    const method = dtcMethod.create({ prior: f.prior, conditioning, settings, rng: new Rng(1), referenceCamera: REFERENCE });
    const T = f.prior.schedule.trainTimesteps;
    const views = [{ elevationDeg: 0, azimuthDeg: 90, radiusM: 2.5 }];
    const run = { iteration: 300, totalIterations: 400 };
    const result = await method.step({ images: new Float32Array(3 * S * S).fill(0.5), alpha: new Float32Array(S * S).fill(1), depth: new Float32Array(S * S), views, iteration: 0, totalIterations: 100, run, rng: new Rng(3) });
    const [lo, hi] = dtcBounds(settings.curriculum, run.iteration, run.totalIterations, T);
    expect(hi).toBeLessThan(dtcBounds(settings.curriculum, 0, 100, T)[0]);
    expect(result.t).toBeGreaterThanOrEqual(lo);
    expect(result.t).toBeLessThanOrEqual(hi);
  });

  it('the ablation without the curriculum draws t over the whole range', async () => {
    const f = fixture();
    const { S, conditioning } = await referenceConditioning(f);
    const method = dtcMethod.create({ prior: f.prior, conditioning, settings: DtcSettings.parse({ annealed: false }), rng: new Rng(1), referenceCamera: REFERENCE });
    const rng = new Rng(8);
    const ts: number[] = [];
    for (let k = 0; k < 6; k++) {
      const r = await method.step({ images: new Float32Array(3 * S * S).fill(0.5), alpha: new Float32Array(S * S), depth: new Float32Array(S * S), views: [{ elevationDeg: 0, azimuthDeg: 60, radiusM: 2.5 }], iteration: 17, totalIterations: 100, rng });
      ts.push(r.t);
    }
    // At iteration 17 of 100 the curriculum's window is [t_mid ± 0.18]·T around t_mid ≈ 0.76·T; uniform t leaves it.
    const [lo, hi] = dtcBounds(DtcSettings.parse({}).curriculum, 17, 100, f.prior.schedule.trainTimesteps);
    expect(ts.some((t) => t < lo || t > hi)).toBe(true);
  });
});

describe('dtc with a text teacher (a text pack and a caption)', () => {
  it('adds the text teacher only once t is below fromT, with its own UNet call', async () => {
    const f = fixture();
    const text = textFixture();
    const { S, conditioning } = await referenceConditioning(f);
    const textTeacher = { prior: text.prior, conditioning: await text.prior.encodeText('a mug') };
    const settings = DtcSettings.parse({ janus: { enabled: false }, finalDdim: { fromProgress: 1 } });
    const method = dtcMethod.create({ prior: f.prior, conditioning, settings, rng: new Rng(1), referenceCamera: REFERENCE, textTeacher });
    const images = f.training.find((t) => t.objectId === 'mug')!.image;
    const step = (iteration: number) =>
      method.step({ images, alpha: new Float32Array(S * S), depth: new Float32Array(S * S), views: [{ elevationDeg: 0, azimuthDeg: 90, radiusM: 2.5 }], iteration, totalIterations: 1000, rng: new Rng(iteration) });
    const early = await step(0);
    expect(early.terms.text).toBeUndefined();
    expect(early.unetCalls).toBe(1);
    const late = await step(999);
    expect(late.t / f.prior.schedule.trainTimesteps).toBeLessThan(settings.textTeacher.fromT);
    expect(late.terms.text).toBeGreaterThan(0);
    expect(late.unetCalls).toBe(2);
  });
});
