import { describe, expect, it } from 'vitest';
import { optimiseFreeImage } from '../../../src/core/distill/free-image';
import { sdiMethod, inferNoise, SdiSettings } from '../../../src/core/distill/sdi';
import { invertAlong, stridePath } from '../../../src/core/distill/shared/ddim-inversion';
import { addNoise, toPriorSpace } from '../../../src/core/distill/shared/prior-space';
import { Rng } from '../../../src/core/random/rng';
import { mse, nearestTraining, useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');

describe('SDI noise inference on the pixel demo prior', () => {
  it('the inferred noise reproduces the inverted latent in one forward step (η = 0.3 and η = 0)', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    const x0 = await toPriorSpace(prior, training[3]!.image.map((v, k) => v * 0.8 + 0.1 * ((k % 7) / 7)));
    const inversion = SdiSettings.parse({}).inversion;
    for (const eta of [0.3, 0]) {
      for (const [t, tau] of [
        [980, 19],
        [600, 0],
        [250, 73],
      ] as const) {
        const inferred = await inferNoise(prior, conditioning, x0, t, tau, { ...inversion, eta }, new Rng(t));
        expect(inferred.level).toBe(Math.min(999, t + tau));
        const replayed = addNoise(x0, inferred.eps, prior.schedule.alphaBar(inferred.level));
        let worst = 0;
        for (let k = 0; k < replayed.length; k++) worst = Math.max(worst, Math.abs(replayed[k]! - inferred.inverted[k]!));
        expect(worst).toBeLessThan(1e-5);
        // One UNet call per move of the T/10 grid from the clean end: ⌈(t + 1)/100⌉.
        expect(inferred.unetCalls).toBe(Math.ceil((t + 1) / 100));
      }
    }
  });

  it('DDIM inversion with ∅ round-trips an on-manifold image far better than an off-manifold render (logged)', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a mug');
    const uncond = { positive: conditioning.negative, negative: conditioning.negative };
    const onManifold = training.find((v) => v.objectId === 'mug')!.image;
    const rng = new Rng(5);
    const offManifold = onManifold.map((v) => Math.min(1, Math.max(0, 0.5 * v + 0.25 + 0.1 * rng.normal())));
    const psnr: number[] = [];
    for (const image of [onManifold, offManifold]) {
      const x0 = await toPriorSpace(prior, image);
      const up = stridePath(-1, 600, 100);
      const { x } = await invertAlong(prior, x0, up, uncond, { scale: 1 });
      const back = await prior.ddim(x, 600, -1, uncond, { scale: 1 }, { moves: up.length - 1 });
      psnr.push(-10 * Math.log10(mse(back, x0) / 4)); // images in [−1, 1]: peak-to-peak 2
    }
    console.log(`DDIM inversion round trip to t = 600 (6 moves, ∅): on-manifold ${psnr[0]!.toFixed(1)} dB, off-manifold ${psnr[1]!.toFixed(1)} dB`);
    expect(psnr[0]!).toBeGreaterThan(psnr[1]!);
  });

  it('anneals the global t linearly 0.98 → 0.25, counts every UNet call and adds the convexity term for the first 40 %', async () => {
    const { prior } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    let calls = 0;
    const counted = Object.create(prior) as typeof prior;
    counted.predictNoise = (...args) => {
      calls++;
      return prior.predictNoise(...args);
    };
    const method = sdiMethod.create({ prior: counted, conditioning, settings: sdiMethod.settings.parse({}), rng: new Rng(1) });
    const S = prior.imageSize;
    const rng = new Rng(2);
    // A lit sphere of depth, so the convexity term has a surface to act on.
    const depth = new Float32Array(S * S);
    const alpha = new Float32Array(S * S);
    for (let i = 0; i < S; i++)
      for (let j = 0; j < S; j++) {
        const r2 = ((i - S / 2) ** 2 + (j - S / 2) ** 2) / (S / 3) ** 2;
        if (r2 < 1) {
          alpha[i * S + j] = 1;
          depth[i * S + j] = 2.5 - 0.6 * Math.sqrt(1 - r2);
        }
      }
    const images = new Float32Array(3 * S * S).fill(0.5);
    const total = 100;
    const expectedT: Record<number, number> = { 0: 980, 39: 695, 40: 688, 99: 257 };
    for (const iteration of [0, 39, 40, 99]) {
      const before = calls;
      const result = await method.step({ images, alpha, depth, views: [{ elevationDeg: 0, azimuthDeg: 0, radiusM: 2.5 }], iteration, totalIterations: total, rng });
      expect(result.t).toBe(expectedT[iteration]);
      expect(result.unetCalls).toBe(calls - before);
      expect(result.unetCalls).toBeLessThanOrEqual(Math.ceil((result.t + 1) / 100) + 1);
      if (iteration < 40) {
        expect(result.dDepth).toBeDefined();
        expect(result.terms.convexity).toBeLessThan(0); // a sphere is convex
      } else {
        expect(result.dDepth).toBeUndefined();
        expect(result.terms.convexity).toBe(0);
      }
      expect(result.terms.sdi).toBeGreaterThan(0);
      expect(result.x0Preview!.length).toBe(3 * S * S);
    }
  });

  it('the entropy term perturbs the inferred noise only when enabled', async () => {
    const { prior } = fixture();
    const conditioning = await prior.encodeText('a mug');
    const S = prior.imageSize;
    const input = (rng: Rng) => ({
      images: new Float32Array(3 * S * S).fill(0.4),
      alpha: new Float32Array(S * S).fill(1),
      depth: new Float32Array(S * S),
      views: [{ elevationDeg: 0, azimuthDeg: 0, radiusM: 2.5 }],
      iteration: 60,
      totalIterations: 100,
      rng,
    });
    const results = [];
    for (const entropyScale of [0, 0, 0.3]) {
      const method = sdiMethod.create({ prior, conditioning, settings: sdiMethod.settings.parse({ entropyScale }), rng: new Rng(1) });
      results.push(await method.step(input(new Rng(9))));
    }
    expect(results[1]!.dImages).toEqual(results[0]!.dImages);
    expect(results[2]!.dImages).not.toEqual(results[0]!.dImages);
  });
});

/**
 * SDI commits to one mode, as a sampler does, but on the demo prior it does not always commit to the prompted object:
 * the inversion's negative guidance (γ_inv = −7.5) pushes the inferred noise toward the other objects of the finite
 * set, and some seeds settle on a blend (seed 7 on "a mug" ends nearest the table). So each prompt runs three seeds
 * and a majority must land on a view of the prompted object.
 */
describe('2D sanity: SDI distilled into a free image lands near a training view of the prompt', () => {
  for (const [prompt, objectId] of [
    ['a snowman', 'snowman'],
    ['a mug', 'mug'],
  ] as const) {
    it(`sdi: "${prompt}" (seeds 7, 8, 9)`, async () => {
      const { prior } = fixture();
      const conditioning = await prior.encodeText(prompt);
      let landed = 0;
      for (const seed of [7, 8, 9]) {
        const rng = new Rng(seed);
        const instance = sdiMethod.create({ prior, conditioning, settings: sdiMethod.settings.parse({}), rng: rng.fork() });
        const image = await optimiseFreeImage(instance, { size: prior.imageSize, iterations: 400, lr: 0.02, rng });
        const nearest = nearestTraining(fixture(), image);
        console.log(`sdi "${prompt}" seed ${seed}: nearest ${nearest.objectId} at ${nearest.psnr.toFixed(1)} dB`);
        if (nearest.objectId === objectId && nearest.psnr > 15) landed++;
      }
      expect(landed).toBeGreaterThanOrEqual(2);
    }, 300_000); // 3 × 400 iterations of multi-step inversion: minutes when the suite's other files share the two cores
  }
});
