import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../../src/shared/errors';
import { buildDemoPack } from '../../../src/core/diffusion/demo/build-demo-pack';
import { GraphBuilder } from '../../../src/core/diffusion/demo/graph-builder';
import { serializeModel } from '../../../src/core/diffusion/demo/onnx-model';
import { openModelPack } from '../../../src/core/diffusion/model-pack';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-packs-');
afterAll(temp.cleanup);

let pristine: string;
let pristineLatent: string;
beforeAll(() => {
  pristine = buildDemoPack(join(temp.home, 'pristine'), { kind: 'pixel', imageSize: 16 }).dir;
  pristineLatent = buildDemoPack(join(temp.home, 'pristine-latent'), { kind: 'latent', imageSize: 16 }).dir;
});

/** A UNet whose sample input has rank 3, as a mis-exported model might. */
function rankThreeUnet(): Uint8Array {
  const g = new GraphBuilder('bad');
  const sample = g.input({ name: 'sample', dataType: 'float', shape: ['batch', 3, 256] });
  g.input({ name: 'timestep', dataType: 'int64', shape: [1] });
  g.input({ name: 'encoder_hidden_states', dataType: 'float', shape: ['batch', 77, 9] });
  g.output(sample, { name: 'out_sample', dataType: 'float', shape: ['batch', 3, 256] });
  return serializeModel({ graph: g.build(), producerName: 'test', producerVersion: '0' });
}

let counter = 0;
function damaged(damage: (dir: string) => void, source = () => pristine): string {
  const dir = join(temp.home, `damaged-${counter++}`);
  cpSync(source(), dir, { recursive: true });
  damage(dir);
  return dir;
}

async function failure(dir: string): Promise<KilnError> {
  try {
    await openModelPack(dir);
  } catch (err) {
    if (err instanceof KilnError) return err;
    throw err;
  }
  throw new Error(`${dir} opened without complaint`);
}

describe('model pack validation', () => {
  it('opens the intact pack', async () => {
    const pack = await openModelPack(pristine);
    expect(pack.latentShape).toEqual([3, 16, 16]);
    expect(pack.unet.timestep.type).toBe('int64');
    await Promise.all(Object.values(pack.sessions).map((s) => s.session.release()));
  });

  const cases: [string, (dir: string) => void, RegExp, (() => string)?][] = [
    ['missing model_index.json', (d) => rmSync(join(d, 'model_index.json')), /model_index\.json is missing: this is not a diffusers ONNX model folder/],
    ['model_index.json that is not JSON', (d) => writeFileSync(join(d, 'model_index.json'), '{ "unet": '), /model_index\.json is not valid JSON/],
    ['missing unet/model.onnx', (d) => rmSync(join(d, 'unet', 'model.onnx')), /unet[\\/]model\.onnx is missing/],
    ['garbage instead of ONNX', (d) => writeFileSync(join(d, 'unet', 'model.onnx'), 'not a protobuf at all'), /unet[\\/]model\.onnx is not a readable ONNX model/],
    ['a UNet input of the wrong rank', (d) => writeFileSync(join(d, 'unet', 'model.onnx'), rankThreeUnet()), /unet[\\/]model\.onnx sample input "sample" has rank 3 .*expected rank 4/],
    [
      'an unknown beta_schedule',
      (d) => writeFileSync(join(d, 'scheduler', 'scheduler_config.json'), JSON.stringify({ beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'sigmoid' })),
      /scheduler_config\.json has an invalid beta_schedule \("sigmoid"\)/,
    ],
    ['a malformed kiln.json', (d) => writeFileSync(join(d, 'kiln.json'), JSON.stringify({ kind: 'video' })), /kiln\.json has an invalid kind \("video"\)/],
    ['a missing tokenizer merges file', (d) => rmSync(join(d, 'tokenizer', 'merges.txt')), /tokenizer[\\/]merges\.txt is missing/],
    ['a missing text encoder', (d) => rmSync(join(d, 'text_encoder'), { recursive: true }), /text_encoder[\\/]model\.onnx is missing/],
    ['a vocabulary without the special tokens', (d) => writeFileSync(join(d, 'tokenizer', 'vocab.json'), '{"a</w>": 0}'), /vocab\.json lacks the special token "<\|startoftext\|>"/],
    ['a latent pack without its VAE decoder', (d) => rmSync(join(d, 'vae_decoder'), { recursive: true }), /vae_decoder[\\/]model\.onnx is missing \(model_index\.json lists vae_decoder\)/, () => pristineLatent],
  ];

  it.each(cases)('%s gives its own model-pack error naming the file', async (_, damage, message, source) => {
    const err = await failure(damaged(damage, source));
    expect(err.code).toBe('model-pack');
    expect(err.message).toMatch(message);
    expect(err.message).toContain(temp.home);
  });

  it('a path that is not a folder says so', async () => {
    const err = await failure(join(temp.home, 'nowhere'));
    expect(err.message).toMatch(/nowhere is not a folder/);
  });
});
