import { describe, expect, it } from 'vitest';
import type { GuidanceInput, GuidanceMethod, GuidanceResult, MethodDefinition } from '../../../src/core/distill/guidance';
import { METHODS } from '../../../src/core/distill/registry';
import { float32FromBase64, float32ToBase64 } from '../../../src/core/distill/shared/float32-base64';
import { Rng } from '../../../src/core/random/rng';
import { useDemoPrior, type DemoPriorFixture } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');
const PROMPT = 'a mug';
const STEPS_BEFORE_SAVE = 3;
const TOTAL = 20;

/** Iteration i's batch: two training views of the mug, blended toward grey by an amount that changes every iteration. */
function input(f: DemoPriorFixture, iteration: number, rng: Rng): GuidanceInput {
  const S = f.prior.imageSize;
  const per = 3 * S * S;
  const mugs = f.training.filter((t) => t.objectId === 'mug');
  const images = new Float32Array(2 * per);
  const mix = 0.3 + 0.05 * iteration;
  [mugs[1]!, mugs[20]!].forEach((t, b) => {
    for (let k = 0; k < per; k++) images[b * per + k] = (1 - mix) * t.image[k]! + mix * 0.5;
  });
  const alpha = new Float32Array(2 * S * S).fill(1);
  const depth = new Float32Array(2 * S * S).fill(2.5);
  for (let k = 0; k < depth.length; k++) depth[k]! -= 0.3 * Math.sin(k * 0.01 + iteration);
  const views = [
    { elevationDeg: 15, azimuthDeg: 30 + 10 * iteration, radiusM: 2.5 },
    { elevationDeg: 0, azimuthDeg: 200 - 7 * iteration, radiusM: 2.5 },
  ];
  return { images, alpha, depth, views, iteration, totalIterations: TOTAL, rng };
}

async function create(f: DemoPriorFixture, definition: MethodDefinition, seed: number): Promise<GuidanceMethod> {
  return definition.create({
    prior: f.prior,
    conditioning: await f.prior.encodeText(PROMPT),
    settings: definition.settings.parse({}),
    rng: new Rng(seed),
    prompt: PROMPT,
  });
}

function expectIdentical(a: GuidanceResult, b: GuidanceResult): void {
  expect(b.t).toBe(a.t);
  expect(b.terms).toEqual(a.terms);
  expect(Buffer.from(b.dImages.buffer).equals(Buffer.from(a.dImages.buffer))).toBe(true);
  expect(b.dDepth === undefined).toBe(a.dDepth === undefined);
  if (a.dDepth) expect(Buffer.from(b.dDepth!.buffer).equals(Buffer.from(a.dDepth.buffer))).toBe(true);
}

describe('resume: a method saved after k steps and loaded into a fresh instance takes the same next step', () => {
  for (const definition of METHODS) {
    it(`${definition.name}`, async () => {
      const f = fixture();
      const original = await create(f, definition, 1);
      const loopRng = new Rng(7);
      for (let i = 0; i < STEPS_BEFORE_SAVE; i++) await original.step(input(f, i, loopRng));
      // What a checkpoint holds: the method's state through JSON, and the loop RNG's state.
      const saved: unknown = JSON.parse(JSON.stringify(original.saveState?.() ?? null));
      const rngState = loopRng.getState();
      const expected = await original.step(input(f, STEPS_BEFORE_SAVE, loopRng));

      // A different creation seed: nothing may depend on it once the state is loaded.
      const fresh = await create(f, definition, 99);
      expect(fresh.saveState === undefined).toBe(original.saveState === undefined);
      if (saved !== null) fresh.loadState!(saved);
      const resumed = await fresh.step(input(f, STEPS_BEFORE_SAVE, Rng.fromState(rngState)));
      expectIdentical(expected, resumed);

      if (saved !== null) {
        // The state matters (so the comparison above can fail): without loading it the next step differs.
        const unloaded = await create(f, definition, 99);
        const differs = await unloaded.step(input(f, STEPS_BEFORE_SAVE, Rng.fromState(rngState)));
        expect(Buffer.from(differs.dImages.buffer).equals(Buffer.from(expected.dImages.buffer))).toBe(false);
      }
    }, 60_000);
  }

  it('float arrays travel as base64 of their bytes, exactly (−0, denormals, extremes)', () => {
    const values = Float32Array.from([0, -0, 1.5, -3.25e-38, 1e-45, 3.4e38, Math.PI]);
    const back = float32FromBase64(float32ToBase64(values));
    expect(Buffer.from(back.buffer).equals(Buffer.from(values.buffer))).toBe(true);
    expect(Object.is(back[1], -0)).toBe(true);
    expect(float32ToBase64(values.subarray(2, 4))).toBe(float32ToBase64(Float32Array.from([1.5, -3.25e-38])));
    expect(() => float32FromBase64('AAA=')).toThrow(/whole number/);
  });
});
