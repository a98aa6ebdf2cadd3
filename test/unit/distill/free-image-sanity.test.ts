import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { optimiseFreeImage } from '../../../src/core/distill/free-image';
import { METHODS } from '../../../src/core/distill/registry';
import { nearestTraining, useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');

const PROMPTS: [string, string][] = [
  ['a snowman', 'snowman'],
  ['a mug', 'mug'],
];
const SEEDS = [7, 8, 9];

/**
 * Every registered method, at its authors' defaults, distilled into a free image (no 3D): the result's nearest
 * training image must show the prompt's object for at least 2 of 3 seeds (some methods are mode-committing and can
 * commit to another object from an unlucky start). How close it gets (PSNR) is logged; each method's own test file
 * holds its stricter checks.
 */
describe('2D sanity: each method distilled into a free image lands near a training view of the prompt', () => {
  for (const method of METHODS) {
    for (const [prompt, objectId] of PROMPTS) {
      it(`${method.name}: "${prompt}"`, async () => {
        const { prior } = fixture();
        const conditioning = await prior.encodeText(prompt);
        const outcomes = [];
        for (const seed of SEEDS) {
          const rng = new Rng(seed);
          const instance = method.create({ prior, conditioning, settings: method.settings.parse({}), rng: rng.fork() });
          const image = await optimiseFreeImage(instance, { size: prior.imageSize, iterations: 300, lr: 0.02, rng });
          outcomes.push(nearestTraining(fixture(), image));
        }
        console.log(`${method.name} "${prompt}": ${outcomes.map((o) => `${o.objectId} ${o.psnr.toFixed(1)} dB`).join(', ')}`);
        expect(outcomes.filter((o) => o.objectId === objectId).length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(2);
      }, 120_000);
    }
  }
});
