import { describe, expect, it } from 'vitest';
import { optimiseFreeImage, imageOnlyInput } from '../../../src/core/distill/free-image';
import { ge3dMethod, ge3dNodes, Ge3dSettings } from '../../../src/core/distill/ge3d';
import { dbcWeights } from '../../../src/core/distill/shared/dbc-weights';
import { NO_GUIDANCE, unconditional } from '../../../src/core/distill/shared/prior-space';
import { Rng } from '../../../src/core/random/rng';
import { nearestTraining, useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');
const latentFixture = useDemoPrior('latent');

const argmax = (a: Float64Array) => a.indexOf(Math.max(...a));


describe('GE3D dynamic balancing coefficients', () => {
  it('sum to 1 and their peak moves from the coarsest node to the finest over training', () => {
    const n = 6;
    const K = 3000;
    let previousPeak = Infinity;
    for (let k = 0; k <= K; k += 250) {
      const w = dbcWeights(n, k, K, 1000);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const peak = argmax(w);
      expect(peak).toBeLessThanOrEqual(previousPeak);
      previousPeak = peak;
    }
    expect(argmax(dbcWeights(n, 0, K, 1000))).toBe(n - 1);
    expect(argmax(dbcWeights(n, K, K, 1000))).toBe(0);
  });

  it('follow ω(i,k) = exp(−(k − Δ_i)²/(2σ²)), Δ_i = (n − i − 1)·K/(n − 1), before normalisation', () => {
    const [n, k, K, sigma] = [6, 700, 3000, 1000];
    const raw = Array.from({ length: n }, (_, i) => Math.exp(-((k - ((n - i - 1) * K) / (n - 1)) ** 2) / (2 * sigma * sigma)));
    const total = raw.reduce((a, b) => a + b, 0);
    const w = dbcWeights(n, k, K, sigma);
    raw.forEach((r, i) => expect(w[i]).toBeCloseTo(r / total, 12));
  });

  it('stay finite for a tiny σ and give a single node all the weight', () => {
    const w = dbcWeights(4, 0, 1000, 1);
    expect(Array.from(w)).toEqual([0, 0, 0, 1]);
    expect(Array.from(dbcWeights(1, 5, 10, 1000))).toEqual([1]);
  });
});

describe('GE3D nodes', () => {
  it('follow the authors’ sampling: t₀ = 0, n jumps with annealed gaps, below the annealed cap', () => {
    const s = Ge3dSettings.parse({});
    const rng = new Rng(4);
    for (const [k, gap, cap] of [
      [0, [60, 80], 480],
      [400, [45, 65], 390],
      [800, [30, 50], 300],
    ] as const) {
      for (let trial = 0; trial < 50; trial++) {
        const nodes = ge3dNodes(s, k, 800, 1000, rng);
        expect(nodes[0]).toBe(0);
        expect(nodes).toHaveLength(s.jumps + 1);
        for (let i = 1; i < nodes.length; i++) {
          const step = nodes[i]! - nodes[i - 1]!;
          expect(step).toBeGreaterThanOrEqual(gap[0]);
          expect(step).toBeLessThan(gap[1]);
        }
        expect(nodes.at(-1)!).toBeLessThan(cap);
      }
    }
  });

  it('stop at the cap but always keep one jump', () => {
    const s = Ge3dSettings.parse({ gapStart: [100, 101], maxStepStart: 250 });
    expect(ge3dNodes(s, 0, 100, 1000, new Rng(1))).toEqual([0, 100, 200]);
    const tight = Ge3dSettings.parse({ gapStart: [100, 101], maxStepStart: 50 });
    expect(ge3dNodes(tight, 0, 100, 1000, new Rng(1))).toEqual([0, 49]);
  });
});

describe('GE3D on the demo prior', () => {
  it('with one node equals a single-step edit (invert one step with ∅, denoise one step with CFG)', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    // Half snowman, half another object: off the prior's manifold, so the edit has work to do.
    const image = training[3]!.image.map((v, k) => 0.5 * (v + training[60]!.image[k]!));
    const settings = Ge3dSettings.parse({ jumps: 1, gapStart: [200, 201], gapEnd: [200, 201], lambda: 1 });
    const method = ge3dMethod.create({ prior, conditioning, settings, rng: new Rng(1) });
    const result = await method.step(imageOnlyInput(image, prior.imageSize, 10, 100, new Rng(2)));
    expect(result.t).toBe(200);
    expect(result.unetCalls).toBe(2);

    const x0 = image.map((v) => 2 * v - 1);
    const xt = await prior.ddim(x0, -1, 200, unconditional(conditioning), NO_GUIDANCE, { moves: 1 });
    const edited = await prior.ddim(xt, 200, -1, conditioning, { scale: 7.5 }, { moves: 1 });
    const expected = x0.map((v, k) => 2 * (v - edited[k]!));
    let worst = 0;
    for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(result.dImages[k]! - expected[k]!));
    console.log(`GE3D one node vs single-step edit: max |Δ| ${worst.toExponential(2)} (gradient rms ${result.terms.ge3d!.toFixed(4)})`);
    expect(worst).toBeLessThan(1e-5);
  });

  it('reports the farthest node, 2n UNet calls, a preview in [0, 1], and treats a batch like its images', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a mug');
    const S = prior.imageSize;
    const a = training[1]!.image;
    const b = training[40]!.image;
    const settings = Ge3dSettings.parse({});
    const run = (images: Float32Array) =>
      ge3dMethod.create({ prior, conditioning, settings, rng: new Rng(1) }).step(imageOnlyInput(images, S, 100, 800, new Rng(5)));
    const both = new Float32Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    const [batched, first, second] = [await run(both), await run(a), await run(b)];
    expect(batched.unetCalls).toBe(2 * settings.jumps);
    expect(batched.t).toBeGreaterThan(300);
    expect(batched.t).toBeLessThan(480);
    expect(batched.x0Preview).toHaveLength(3 * S * S);
    expect(batched.x0Preview!.every((v) => v >= 0 && v <= 1)).toBe(true);
    for (let k = 0; k < a.length; k += 97) {
      expect(batched.dImages[k]).toBeCloseTo(first.dImages[k]!, 4);
      expect(batched.dImages[a.length + k]).toBeCloseTo(second.dImages[k]!, 4);
    }
  });
});

describe('GE3D on a latent prior', () => {
  it('edits 4×32×32 latents and carries the gradient back by both transports', async () => {
    const { prior, training } = latentFixture();
    const conditioning = await prior.encodeText('a snowman');
    const S = prior.imageSize;
    for (const transport of ['decode-target', 'linear'] as const) {
      const method = ge3dMethod.create({ prior, conditioning, settings: Ge3dSettings.parse({ transport }), rng: new Rng(1) });
      const result = await method.step(imageOnlyInput(training[2]!.image, S, 0, 800, new Rng(3)));
      expect(result.dImages).toHaveLength(3 * S * S);
      expect(result.dImages.every(Number.isFinite)).toBe(true);
      expect(result.terms.ge3d).toBeGreaterThan(0);
      expect(result.x0Preview).toHaveLength(3 * S * S);
    }
  });
});

describe('GE3D 2D sanity: a free image distilled toward a prompt lands near a training view of it', () => {
  it('with the authors’ nodes (t ≤ 480) the prompt steers the edit of a neutral image', async () => {
    // Regression for the demo prior's text weighting: with a soft penalty (−30 per contradicting word) the likelihood
    // of an inverted image outweighed the prompt at t ≤ 480, so ε_y = ε_∅ and both prompts edited grey identically.
    // The penalty is now a hard mask (the conditional holds only matching objects), so the edits must differ.
    const { prior } = fixture();
    const S = prior.imageSize;
    const grey = new Float32Array(3 * S * S).fill(0.5);
    const edit = async (prompt: string) => {
      const conditioning = await prior.encodeText(prompt);
      const method = ge3dMethod.create({ prior, conditioning, settings: Ge3dSettings.parse({}), rng: new Rng(1) });
      return method.step(imageOnlyInput(grey, S, 0, 800, new Rng(2)));
    };
    const snowman = await edit('a snowman');
    const mug = await edit('a mug');
    const [a, b] = [nearestTraining(fixture(), snowman.x0Preview!), nearestTraining(fixture(), mug.x0Preview!)];
    console.log(`GE3D defaults on grey: "a snowman" edits to ${a.objectId} (${a.psnr.toFixed(1)} dB), "a mug" to ${b.objectId} (${b.psnr.toFixed(1)} dB)`);
    expect(a.objectId).toBe('snowman');
    expect(b.objectId).toBe('mug');
  });

  // A coarse start that reaches t ≈ 950, where the prompt decides the component, annealed to the authors' end values.
  const COARSE_START = { gapStart: [150, 165], maxStepStart: 990 };
  for (const [prompt, objectId] of [
    ['a snowman', 'snowman'],
    ['a mug', 'mug'],
  ] as const) {
    it(`"${prompt}" (nodes from t ≈ 950 annealed to the authors’ end values)`, async () => {
      const { prior } = fixture();
      const conditioning = await prior.encodeText(prompt);
      const rng = new Rng(7);
      const method = ge3dMethod.create({ prior, conditioning, settings: Ge3dSettings.parse(COARSE_START), rng: rng.fork() });
      const image = await optimiseFreeImage(method, { size: prior.imageSize, iterations: 300, lr: 0.02, rng });
      const nearest = nearestTraining(fixture(), image);
      console.log(`ge3d "${prompt}": nearest ${nearest.objectId} at ${nearest.psnr.toFixed(1)} dB`);
      expect(nearest.objectId).toBe(objectId);
      expect(nearest.psnr).toBeGreaterThan(15);
    }, 90_000);
  }
});
