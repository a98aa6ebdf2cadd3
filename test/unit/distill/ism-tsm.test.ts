import { describe, expect, it } from 'vitest';
import type { Prior } from '../../../src/core/diffusion/prior';
import { optimiseFreeImage, imageOnlyInput } from '../../../src/core/distill/free-image';
import type { MethodDefinition } from '../../../src/core/distill/guidance';
import { ismMethod } from '../../../src/core/distill/ism';
import { stridePath } from '../../../src/core/distill/shared/ddim-inversion';
import { intervalDelta, IntervalSettings } from '../../../src/core/distill/shared/interval-score';
import { clipPixelGradients, DEFAULT_PIXEL_CLIP_THRESHOLD } from '../../../src/core/distill/shared/pixel-clip';
import { tsmMethod, tsmMu, TsmSettings } from '../../../src/core/distill/tsm';
import { Rng } from '../../../src/core/random/rng';
import { nearestTraining, useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');

/** The prior with its UNet calls counted (one per predictNoise, which batches every guidance row). */
function counting(prior: Prior): { prior: Prior; calls: () => number } {
  let calls = 0;
  const wrapped = Object.create(prior) as Prior;
  wrapped.predictNoise = (...args) => {
    calls++;
    return prior.predictNoise(...args);
  };
  return { prior: wrapped, calls: () => calls };
}


function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('interval pieces', () => {
  it('stridePath follows LucidDreamer’s min(cur + δ_S, s) grid', () => {
    expect(stridePath(0, 450, 200)).toEqual([0, 200, 400, 450]);
    expect(stridePath(0, 400, 200)).toEqual([0, 200, 400]);
    expect(stridePath(0, 0, 200)).toEqual([0]);
    expect(stridePath(-1, 250, 100)).toEqual([-1, 99, 199, 250]);
  });

  it('δ_T anneals 100 → 50 over 1500 iterations', () => {
    const s = IntervalSettings.parse({}).intervalSteps;
    expect(intervalDelta(s, 0)).toBe(100);
    expect(intervalDelta(s, 750)).toBe(75);
    expect(intervalDelta(s, 1500)).toBe(50);
    expect(intervalDelta(s, 5000)).toBe(50);
  });

  it('μ: the code form puts γ = 0.3 near t and γ = 1 at s; the paper form puts γ = 0 at s', () => {
    expect(tsmMu(100, 200, 0.3, 'code')).toBe(195);
    expect(tsmMu(100, 200, 1, 'code')).toBe(100);
    expect(tsmMu(100, 200, 0, 'code')).toBe(200);
    expect(tsmMu(100, 200, 0.3, 'paper')).toBe(130);
    expect(tsmMu(100, 200, 0, 'paper')).toBe(100);
  });

  it('pixel clipping caps each pixel’s largest channel at c, keeps its direction and leaves small pixels alone', () => {
    // Two images of 3 channels × 2 pixels, channels-first.
    const g = Float32Array.from([0.2, 0.01, -0.1, 0.02, 0.05, 0.0, /* image 2 */ 0.0, 0.03, 0.0, -0.04, 0.0, 0.0]);
    const before = Float32Array.from(g);
    const fraction = clipPixelGradients(g, 3, 2, 0.05);
    expect(fraction).toBe(0.25);
    expect([g[0], g[2], g[4]].map((v) => v! / 0.25)).toEqual([before[0], before[2], before[4]].map((v) => expect.closeTo(v!, 6)));
    expect(Math.max(Math.abs(g[0]!), Math.abs(g[2]!), Math.abs(g[4]!))).toBeCloseTo(0.05, 7);
    expect(Array.from(g.subarray(6))).toEqual(Array.from(before.subarray(6)));
    expect([g[1], g[3], g[5]]).toEqual([before[1], before[3], before[5]]);
  });
});

describe('ISM and TSM on the pixel demo prior', () => {
  async function run(def: MethodDefinition, settings: unknown, images: Float32Array, iterations: number[]) {
    const { prior } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    const counted = counting(prior);
    const method = def.create({ prior: counted.prior, conditioning, settings: def.settings.parse(settings), rng: new Rng(1) });
    const rng = new Rng(42);
    const out = [];
    for (const iteration of iterations) {
      const before = counted.calls();
      const result = await method.step(imageOnlyInput(images, prior.imageSize, iteration, 400, rng));
      out.push({ result, counted: counted.calls() - before });
    }
    return out;
  }

  function renders(S: number, n: number): Float32Array {
    const rng = new Rng(3);
    return Float32Array.from({ length: n * 3 * S * S }, () => 0.3 + 0.4 * rng.uniform());
  }

  it('TSM with γ = 0 (paper μ) equals ISM bit for bit, and so does γ = 1 with the code’s μ', async () => {
    const S = fixture().prior.imageSize;
    const images = renders(S, 2);
    const iterations = [0, 1, 700, 1600];
    const ism = await run(ismMethod, {}, images, iterations);
    for (const tsm of [{ gamma: 0, muForm: 'paper' }, { gamma: 1, muForm: 'code' }]) {
      const other = await run(tsmMethod, { ...tsm, pixelClip: { enabled: false } }, images, iterations);
      other.forEach(({ result }, k) => {
        const reference = ism[k]!.result;
        expect(result.t).toBe(reference.t);
        expect(result.unetCalls).toBe(reference.unetCalls);
        expect(sameBits(result.dImages, reference.dImages)).toBe(true);
        expect(sameBits(result.x0Preview!, reference.x0Preview!)).toBe(true);
        expect(result.terms.tsm).toBe(reference.terms.ism);
      });
    }
  });

  it('reports every UNet call: ⌈s/δ_S⌉ inversion moves + ε_∅(x_s, s) + ε̃(x_t, t, y), and TSM one more for ε_∅(x_μ, μ)', async () => {
    const S = fixture().prior.imageSize;
    const images = renders(S, 1);
    for (const [def, extra] of [
      [ismMethod, 2],
      [tsmMethod, 3],
    ] as const) {
      for (const { result, counted } of await run(def, {}, images, [0, 3, 900, 2000])) {
        expect(result.unetCalls).toBe(counted);
        const delta = Math.max(0, result.t - 100); // s ≥ t − δ_T with δ_T ≤ 100
        expect(result.unetCalls).toBeGreaterThanOrEqual(Math.ceil(delta / 200) + extra);
        expect(result.unetCalls).toBeLessThanOrEqual(Math.ceil(result.t / 200) + extra);
        expect(result.dImages.length).toBe(images.length);
        expect(result.x0Preview!.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
    }
  });

  it('TSM clips its colour gradient per pixel by default', async () => {
    const S = fixture().prior.imageSize;
    const { result } = (await run(tsmMethod, {}, renders(S, 1), [0]))[0]!;
    expect(TsmSettings.parse({}).pixelClip.threshold).toBeUndefined(); // the demo pack states none, so the code's c
    const c = DEFAULT_PIXEL_CLIP_THRESHOLD;
    for (let p = 0; p < S * S; p++) {
      const peak = Math.max(...[0, 1, 2].map((ch) => Math.abs(result.dImages[ch * S * S + p]!)));
      expect(peak).toBeLessThanOrEqual(c * (1 + 1e-6));
    }
    expect(result.terms.clippedFraction).toBeGreaterThan(0);
  });
});

/**
 * With the authors' code μ = s + (t − s)·√(1 − γ²), γ = 0.3 puts μ within ~5 % of t, so ε_∅(x_μ, μ) ≈ ε_∅(x_t, t) and
 * g ≈ w(t)·s·(ε_y − ε_∅)(x_t): the classifier term alone (CSD), with no reconstruction term to stop at a training
 * view. On the demo prior it finds the prompted object but overshoots it (≈ 7–9 dB), so the default is held to the
 * right object only; the paper's μ = s + γ·(t − s) is held to the full check.
 */
const SANITY: [string, MethodDefinition, Record<string, unknown>, boolean][] = [
  ['ism', ismMethod, {}, true],
  ['tsm, paper μ', tsmMethod, { muForm: 'paper' }, true],
  ['tsm, defaults (code μ)', tsmMethod, {}, false],
];

describe('2D sanity: ISM and TSM distilled into a free image land near a training view of the prompt', () => {
  for (const [name, def, settings, nearView] of SANITY) {
    for (const [prompt, objectId] of [
      ['a snowman', 'snowman'],
      ['a mug', 'mug'],
    ] as const) {
      it(`${name}: "${prompt}"`, async () => {
        const { prior } = fixture();
        const conditioning = await prior.encodeText(prompt);
        const rng = new Rng(7);
        const instance = def.create({ prior, conditioning, settings: def.settings.parse(settings), rng: rng.fork() });
        const image = await optimiseFreeImage(instance, { size: prior.imageSize, iterations: 400, lr: 0.02, rng });
        const nearest = nearestTraining(fixture(), image);
        console.log(`${name} "${prompt}": nearest ${nearest.objectId} at ${nearest.psnr.toFixed(1)} dB`);
        expect(nearest.objectId).toBe(objectId);
        if (nearView) expect(nearest.psnr).toBeGreaterThan(15);
      }, 180_000); // 400 prior calls with inversions: minutes when the suite's other files share the two cores
    }
  }
});
