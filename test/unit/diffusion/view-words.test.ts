import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoViews, ensureDemoPack, renderTrainingImages } from '../../../src/core/diffusion/demo/build-demo-pack';
import { DemoPackParams } from '../../../src/core/diffusion/demo/demo-params';
import { DEMO_OBJECTS } from '../../../src/core/diffusion/demo/objects';
import { addNoise } from '../../../src/core/diffusion/prediction';
import { OnnxPrior } from '../../../src/core/diffusion/prior';
import { VIEW_SECTORS, viewSector, type ViewSector } from '../../../src/core/diffusion/view-sector';
import { Rng } from '../../../src/core/random/rng';
import { makeTempHome } from '../../helpers/temp-home';
import { nearestIndex, referenceEpsilon } from './mixture-reference';

const temp = makeTempHome('kiln-view-words-');
const params = DemoPackParams.parse({});
const views = demoViews(params);
const centres = renderTrainingImages(params);
const L = 3 * params.imageSize * params.imageSize;
const O = DEMO_OBJECTS.length;
const SNOWMAN = DEMO_OBJECTS.findIndex((o) => o.id === 'snowman');
const MUG = DEMO_OBJECTS.findIndex((o) => o.id === 'mug');
const sectorOfComponent = (i: number) => viewSector(views[i % views.length]!.azimuthDeg);
let prior: OnnxPrior;

beforeAll(async () => {
  prior = await OnnxPrior.open(ensureDemoPack(temp.home, 'pixel').dir);
}, 60_000);
afterAll(async () => {
  await prior?.close();
  temp.cleanup();
});

async function classLogWeights(prompt: string): Promise<Float32Array> {
  const [row] = await prior.encodePrompts([prompt]);
  if (row?.kind !== 'text') throw new Error('text row expected');
  return row.hidden.slice(0, row.shape[1]);
}

/** x̂₀ of the prompt's conditional prediction for a noised image. */
async function predictedX0(xt: Float32Array, t: number, prompt: string): Promise<Float32Array> {
  const eps = await prior.predictNoise(xt, t, await prior.encodeText(prompt), { scale: 1 });
  const a = prior.schedule.alphaBar(t);
  return xt.map((v, k) => (v - Math.sqrt(1 - a) * eps[k]!) / Math.sqrt(a));
}

describe('demo prior view words', () => {
  it('kiln.json names the view words and the sector width; the text encoder masks the other sectors', async () => {
    expect(prior.manifest.demo!.viewWords).toEqual({ sectors: ['front', 'side', 'back'], suffixWord: 'view', frontHalfWidthDeg: 45 });
    const plain = await classLogWeights('a snowman');
    expect(plain.length).toBe(O + VIEW_SECTORS.length);
    expect(Array.from(plain.subarray(O))).toEqual([0, 0, 0]);
    for (const sector of VIEW_SECTORS) {
      const w = await classLogWeights(`a snowman, ${sector} view`);
      expect(Array.from(w.subarray(0, O))).toEqual(Array.from(plain.subarray(0, O)));
      VIEW_SECTORS.forEach((other, v) => expect(w[O + v]).toBe(other === sector ? 0 : -params.mismatchPenalty));
    }
  });

  it('the ONNX denoiser with a view word equals the float64 mixture over that object × sector class', async () => {
    const rng = new Rng(3);
    const x0 = centres.subarray((MUG * views.length + 4) * L, (MUG * views.length + 5) * L);
    let worst = 0;
    for (const [t, sector] of [[200, 'side'], [700, 'back']] as const) {
      const a = prior.schedule.alphaBar(t);
      const xt = addNoise(x0, rng.fillNormal(new Float32Array(L)), a);
      const eps = await prior.predictNoise(xt, t, await prior.encodeText(`a mug, ${sector} view`), { scale: 1 });
      const logWeights = Array.from({ length: O * views.length }, (_, i) =>
        Math.floor(i / views.length) === MUG && sectorOfComponent(i) === sector ? 0 : -params.mismatchPenalty,
      );
      const ref = referenceEpsilon(xt, centres, logWeights, a, prior.manifest.demo!.sigmaData);
      for (let k = 0; k < L; k++) worst = Math.max(worst, Math.abs(eps[k]! - ref[k]!));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('a view word pulls the prediction toward that sector of the object; without one it stays with the nearest view', async () => {
    const rng = new Rng(8);
    // A front view of the snowman (azimuth 0, middle elevation), noised to t = 600.
    const source = SNOWMAN * views.length + views.findIndex((v) => v.azimuthDeg === 0 && v.elevationDeg === 15);
    const t = 600;
    const xt = addNoise(centres.subarray(source * L, (source + 1) * L), rng.fillNormal(new Float32Array(L)), prior.schedule.alphaBar(t));
    const landed = async (prompt: string): Promise<{ object: number; sector: ViewSector }> => {
      const i = nearestIndex(await predictedX0(xt, t, prompt), centres);
      return { object: Math.floor(i / views.length), sector: sectorOfComponent(i) };
    };
    expect(await landed('a snowman')).toEqual({ object: SNOWMAN, sector: 'front' });
    for (const sector of VIEW_SECTORS) expect(await landed(`a snowman, ${sector} view`)).toEqual({ object: SNOWMAN, sector });
    // The view word alone (no object word) keeps every object but only that sector.
    expect((await landed('back view')).sector).toBe('back');
  });
});
