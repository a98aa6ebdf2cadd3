import { afterAll, beforeAll } from 'vitest';
import { demoViews, ensureDemoPack, renderTrainingImages } from '../../../src/core/diffusion/demo/build-demo-pack';
import { DEMO_OBJECTS } from '../../../src/core/diffusion/demo/objects';
import type { DemoKind } from '../../../src/core/diffusion/demo/demo-params';
import { OnnxPrior } from '../../../src/core/diffusion/prior';
import { makeTempHome } from '../../helpers/temp-home';

export interface DemoPriorFixture {
  prior: OnnxPrior;
  /** Every training image (object-major), 3×S×S in [0, 1], with its object id. */
  training: { image: Float32Array; objectId: string }[];
}

/** Builds (once per file) a demo pack in a temp home and opens it; closes and cleans up after the file. */
export function useDemoPrior(kind: DemoKind = 'pixel'): () => DemoPriorFixture {
  const temp = makeTempHome('kiln-distill-');
  let fixture: DemoPriorFixture | undefined;
  beforeAll(async () => {
    const { dir, params } = ensureDemoPack(temp.home, kind);
    const prior = await OnnxPrior.open(dir);
    const all = renderTrainingImages(params);
    const per = 3 * params.imageSize * params.imageSize;
    const views = demoViews(params).length;
    const training = Array.from({ length: all.length / per }, (_, k) => ({
      image: all.subarray(k * per, (k + 1) * per).map((v) => (v + 1) / 2),
      objectId: DEMO_OBJECTS[Math.floor(k / views)]!.id,
    }));
    fixture = { prior, training };
  }, 60_000);
  afterAll(async () => {
    await fixture?.prior.close();
    temp.cleanup();
  });
  return () => {
    if (!fixture) throw new Error('demo prior fixture used before beforeAll ran');
    return fixture;
  };
}

export function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return s / a.length;
}

/** The training image closest to `image` (in [0, 1]) and the PSNR to it. */
export function nearestTraining(f: DemoPriorFixture, image: Float32Array): { objectId: string; psnr: number } {
  let best = { objectId: '', err: Infinity };
  for (const t of f.training) {
    const err = mse(image, t.image);
    if (err < best.err) best = { objectId: t.objectId, err };
  }
  return { objectId: best.objectId, psnr: -10 * Math.log10(best.err) };
}
