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

describe('2D sanity: each method distilled into a free image lands near a training view of the prompt', () => {
  for (const method of METHODS) {
    for (const [prompt, objectId] of PROMPTS) {
      it(`${method.name}: "${prompt}"`, async () => {
        const { prior } = fixture();
        const conditioning = await prior.encodeText(prompt);
        const rng = new Rng(7);
        const instance = method.create({ prior, conditioning, settings: method.settings.parse({}), rng: rng.fork() });
        const image = await optimiseFreeImage(instance, { size: prior.imageSize, iterations: 400, lr: 0.02, rng });
        const nearest = nearestTraining(fixture(), image);
        console.log(`${method.name} "${prompt}": nearest ${nearest.objectId} at ${nearest.psnr.toFixed(1)} dB`);
        expect(nearest.objectId).toBe(objectId);
        expect(nearest.psnr).toBeGreaterThan(15);
      });
    }
  }
});
