import { describe, expect, it } from 'vitest';
import { optimiseFreeImage, imageOnlyInput } from '../../../src/core/distill/free-image';
import { addNoise } from '../../../src/core/distill/shared/prior-space';
import { sampleTimestep } from '../../../src/core/distill/shared/timesteps';
import { weightAt } from '../../../src/core/distill/shared/weights';
import { dcaCoefficient, vdmMethod, VdmSettings } from '../../../src/core/distill/vdm';
import { Rng } from '../../../src/core/random/rng';
import { KilnError } from '../../../src/shared/errors';
import { nearestTraining, useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');
const latentFixture = useDemoPrior('latent');


describe('VDM distribution coefficient annealing', () => {
  it('λ_t = 1 above the cut-off and 1 − ᾱ_t at or below it', () => {
    const { prior } = fixture();
    for (const t of [0, 1, 150, 299, 300, 301, 500, 999]) {
      const a = prior.schedule.alphaBar(t);
      expect(dcaCoefficient(t, a, 300)).toBe(t > 300 ? 1 : 1 - a);
    }
    expect(dcaCoefficient(200, prior.schedule.alphaBar(200), 100)).toBe(1);
  });
});

describe('VDM on the demo prior', () => {
  it('g = w(t)·(ε̂ − λ_t·M_ψ(ε̂)), with M_ψ starting as the identity', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    const image = training[5]!.image;
    const S = prior.imageSize;
    const settings = VdmSettings.parse({ timesteps: { tRange: [0.1, 0.25] } });
    const method = vdmMethod.create({ prior, conditioning, settings, rng: new Rng(1) });
    const result = await method.step(imageOnlyInput(image, S, 0, 100, new Rng(8)));

    // Replay the method's draws: t, then ε.
    const replay = new Rng(8);
    const t = sampleTimestep(settings.timesteps, 0, prior.schedule.trainTimesteps, replay);
    const a = prior.schedule.alphaBar(t);
    const x0 = image.map((v) => 2 * v - 1);
    const eps = replay.fillNormal(new Float32Array(x0.length));
    const epsHat = await prior.predictNoise(addNoise(x0, eps, a), t, conditioning, { scale: 7.5 });
    const lambda = 1 - a;
    const w = weightAt('sigma-ratio', a);
    expect(result.t).toBe(t);
    expect(result.terms.lambda).toBeCloseTo(lambda, 12);
    expect(result.unetCalls).toBe(1);
    let worst = 0;
    let mappingLoss = 0;
    for (let k = 0; k < x0.length; k++) {
      worst = Math.max(worst, Math.abs(result.dImages[k]! - 2 * w * (epsHat[k]! - lambda * epsHat[k]!)));
      mappingLoss += (epsHat[k]! - eps[k]!) ** 2 / x0.length;
    }
    expect(worst).toBeLessThan(1e-5);
    expect(result.terms.mappingLoss).toBeCloseTo(mappingLoss, 6);
    expect(result.x0Preview!.every((v) => v >= 0 && v <= 1)).toBe(true);

    // Above the cut-off λ_t = 1, so the identity M_ψ cancels ε̂ exactly on the first step.
    const high = vdmMethod.create({ prior, conditioning, settings: VdmSettings.parse({ timesteps: { tRange: [0.5, 0.9] } }), rng: new Rng(1) });
    const first = await high.step(imageOnlyInput(image, S, 0, 100, new Rng(8)));
    expect(first.dImages.every((v) => v === 0)).toBe(true);
  });

  it('M_ψ’s loss falls as it learns the degradation of an off-distribution render', async () => {
    const { prior } = fixture();
    const conditioning = await prior.encodeText('a mug');
    const S = prior.imageSize;
    const image = new Float32Array(3 * S * S).fill(0.5);
    const settings = VdmSettings.parse({ timesteps: { tRange: [0.4, 0.4] } });
    const method = vdmMethod.create({ prior, conditioning, settings, rng: new Rng(2) });
    const rng = new Rng(3);
    const losses: number[] = [];
    for (let it = 0; it < 60; it++) losses.push((await method.step(imageOnlyInput(image, S, it, 100, rng))).terms.mappingLoss!);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const [start, end] = [mean(losses.slice(0, 5)), mean(losses.slice(-10))];
    console.log(`VDM mapping loss at t = 400 on a grey render: ${start.toFixed(4)} → ${end.toFixed(4)}`);
    expect(end).toBeLessThan(0.5 * start);
  });

  it('saves and restores M_ψ (weights, Adam moments, step): a restored run continues identically', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    const S = prior.imageSize;
    const settings = VdmSettings.parse({});
    const original = vdmMethod.create({ prior, conditioning, settings, rng: new Rng(1) });
    const rng = new Rng(4);
    for (let it = 0; it < 5; it++) await original.step(imageOnlyInput(training[it]!.image, S, it, 100, rng));
    const saved: unknown = JSON.parse(JSON.stringify(original.saveState!()));
    const restored = vdmMethod.create({ prior, conditioning, settings, rng: new Rng(99) });
    restored.loadState!(saved);
    for (let it = 5; it < 8; it++) {
      const image = training[it]!.image;
      const [a, b] = [await original.step(imageOnlyInput(image, S, it, 100, new Rng(it))), await restored.step(imageOnlyInput(image, S, it, 100, new Rng(it)))];
      expect(Array.from(b.dImages)).toEqual(Array.from(a.dImages));
      expect(b.terms).toEqual(a.terms);
    }
    expect(restored.saveState!()).toEqual(original.saveState!());

    const other = vdmMethod.create({ prior, conditioning, settings: VdmSettings.parse({ mappingHidden: 4 }), rng: new Rng(1) });
    expect(() => other.loadState!(saved)).toThrow(KilnError);
    expect(() => other.loadState!({ kind: 'something else' })).toThrow(KilnError);
  });

  it('runs on a latent prior (M_ψ over 4×32×32 latents, both transports)', async () => {
    const { prior, training } = latentFixture();
    const conditioning = await prior.encodeText('a mug');
    const S = prior.imageSize;
    for (const transport of ['decode-target', 'linear'] as const) {
      const method = vdmMethod.create({ prior, conditioning, settings: VdmSettings.parse({ transport }), rng: new Rng(1) });
      const rng = new Rng(5);
      for (let it = 0; it < 3; it++) {
        const result = await method.step(imageOnlyInput(training[it]!.image, S, it, 100, rng));
        expect(result.dImages).toHaveLength(3 * S * S);
        expect(result.dImages.every(Number.isFinite)).toBe(true);
      }
      const state = method.saveState!() as { channels: number };
      expect(state.channels).toBe(prior.latentShape[0]);
    }
  });
});

describe('VDM 2D sanity: a free image distilled toward a prompt lands near a training view of it', () => {
  for (const [prompt, objectId] of [
    ['a snowman', 'snowman'],
    ['a mug', 'mug'],
  ] as const) {
    it(`"${prompt}"`, async () => {
      const { prior } = fixture();
      const conditioning = await prior.encodeText(prompt);
      const rng = new Rng(7);
      const method = vdmMethod.create({ prior, conditioning, settings: VdmSettings.parse({}), rng: rng.fork() });
      const image = await optimiseFreeImage(method, { size: prior.imageSize, iterations: 400, lr: 0.02, rng });
      const nearest = nearestTraining(fixture(), image);
      console.log(`vdm "${prompt}": nearest ${nearest.objectId} at ${nearest.psnr.toFixed(1)} dB`);
      expect(nearest.objectId).toBe(objectId);
      expect(nearest.psnr).toBeGreaterThan(15);
    }, 60_000);
  }
});
