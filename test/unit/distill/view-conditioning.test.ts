import { describe, expect, it } from 'vitest';
import { viewSector } from '../../../src/core/diffusion/view-sector';
import type { Conditioning, ConditionRow, Guidance } from '../../../src/core/diffusion/prior';
import { optimiseFreeImage } from '../../../src/core/distill/free-image';
import { sdsMethod } from '../../../src/core/distill/sds';
import { viewConditioner } from '../../../src/core/distill/shared/view-conditioning';
import { perpNegNegatives, ViewPromptSettings } from '../../../src/core/distill/shared/view-prompts';
import { Rng } from '../../../src/core/random/rng';
import { useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');
const view = (azimuthDeg: number) => ({ elevationDeg: 15, azimuthDeg, radiusM: 2.5 });
const hiddenOf = (row: ConditionRow) => (row.kind === 'text' ? Array.from(row.hidden.subarray(0, row.shape[1])) : []);

describe('per-image conditioning and view prompts', () => {
  it('predictNoise with one conditioning and guidance per image equals one call per image', async () => {
    const { prior } = fixture();
    const L = prior.latentShape[0] * prior.latentShape[1] * prior.latentShape[2];
    const rng = new Rng(4);
    const x = rng.fillNormal(new Float32Array(3 * L));
    const [front, side, back] = await prior.encodePrompts(['a mug, front view', 'a mug, side view', 'a mug, back view']);
    const { negative } = await prior.encodeText('a mug');
    const conds: Conditioning[] = [
      { positive: front!, negative },
      { positive: side!, negative },
      { positive: back!, negative },
    ];
    const guidance: Guidance[] = [{ scale: 7.5 }, { scale: 7.5, perpNeg: { negatives: [front!, back!], weights: [0.4, 0.7] } }, { scale: 1 }];
    const batched = await prior.predictNoise(x, 400, conds, guidance);
    let worst = 0;
    for (let i = 0; i < 3; i++) {
      const single = await prior.predictNoise(x.subarray(i * L, (i + 1) * L), 400, conds[i]!, guidance[i]!);
      for (let k = 0; k < L; k++) worst = Math.max(worst, Math.abs(batched[i * L + k]! - single[k]!));
    }
    expect(worst).toBeLessThan(1e-4);
    await expect(prior.predictNoise(x, 400, conds.slice(0, 2), guidance)).rejects.toThrow(/2 given for 3 images/);
  });

  it('each view gets the prompt plus its sector word, Perp-Neg its neighbour; without a prompt, the run conditioning', async () => {
    const { prior } = fixture();
    const conditioning = await prior.encodeText('a mug', 'a cube');
    const settings = ViewPromptSettings.parse({ perpNeg: true });
    const conditioner = viewConditioner({ prior, conditioning, prompt: 'a mug' }, settings);
    const azimuths = [10, 100, 200];
    const { cond, guidance } = await conditioner.forViews(azimuths.map(view), 7.5);
    const expected = await prior.encodePrompts(azimuths.map((a) => `a mug, ${viewSector(a)} view`));
    azimuths.forEach((a, i) => {
      const c = (cond as Conditioning[])[i]!;
      const g = (guidance as Guidance[])[i]!;
      expect(hiddenOf(c.positive)).toEqual(hiddenOf(expected[i]!));
      expect(hiddenOf(c.negative)).toEqual(hiddenOf(conditioning.negative));
      const negatives = perpNegNegatives(a, settings);
      expect(g.perpNeg!.weights).toEqual(negatives.map((n) => n.weight));
      expect(g.scale).toBe(7.5);
    });
    const noPerpNeg = await conditioner.forViews([view(100)], 7.5, { perpNeg: false });
    expect((noPerpNeg.guidance as Guidance[])[0]!.perpNeg).toBeUndefined();
    const plain = viewConditioner({ prior, conditioning }, settings);
    expect(plain.active).toBe(false);
    expect(await plain.forViews([view(100)], 7.5)).toEqual({ cond: conditioning, guidance: { scale: 7.5 } });
    const off = viewConditioner({ prior, conditioning, prompt: 'a mug' }, ViewPromptSettings.parse({ enabled: false }));
    expect(off.active).toBe(false);
  });

  it('SDS distilled into a free image seen from behind lands on a back view of the object only with view prompts', async () => {
    const { prior, training } = fixture();
    const conditioning = await prior.encodeText('a snowman');
    const views = prior.manifest.demo!.views;
    const landed = async (prompt: string | undefined, seed: number) => {
      const rng = new Rng(seed);
      const method = sdsMethod.create({ prior, conditioning, settings: sdsMethod.settings.parse({}), rng: rng.fork(), prompt });
      const image = await optimiseFreeImage(method, { size: prior.imageSize, iterations: 200, lr: 0.02, rng, view: view(180) });
      let best = { k: -1, err: Infinity };
      training.forEach((t, k) => {
        let err = 0;
        for (let p = 0; p < image.length; p++) err += (image[p]! - t.image[p]!) ** 2;
        if (err < best.err) best = { k, err };
      });
      return { object: training[best.k]!.objectId, sector: viewSector(views[best.k % views.length]!.azimuthDeg) };
    };
    for (const seed of [1, 2]) expect(await landed('a snowman', seed)).toEqual({ object: 'snowman', sector: 'back' });
    // Without the prompt the method has no view words, and the snowman's front views (with its face) pull as well.
    const sectors = new Set<string>();
    for (const seed of [1, 2, 3, 4]) sectors.add((await landed(undefined, seed)).sector);
    expect(sectors.size).toBeGreaterThan(1);
  }, 120_000);
});
