import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../../src/shared/errors';
import { buildDemoPack } from '../../../src/core/diffusion/demo/build-demo-pack';
import { readOnnxHeader } from '../../../src/core/diffusion/onnx-header';
import { buildOptimumPack } from '../../helpers/optimum-pack';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-onnx-header-');
afterAll(temp.cleanup);

describe('readOnnxHeader', () => {
  it('reads the same inputs and outputs onnxruntime reports, for optimum-layout and demo models', async () => {
    const ort = await import('onnxruntime-node');
    const sdxl = buildOptimumPack(join(temp.home, 'sdxl'), { kind: 'sdxl', externalData: 'model.onnx_data' });
    const fp16 = buildOptimumPack(join(temp.home, 'fp16'), { kind: 'sd15', dtype: 'float16' });
    const demo = buildDemoPack(join(temp.home, 'demo'), { kind: 'latent', imageSize: 16 }).dir;
    const files = [
      ...['text_encoder', 'text_encoder_2', 'unet', 'vae_encoder', 'vae_decoder'].map((c) => join(sdxl, c, 'model.onnx')),
      join(fp16, 'unet', 'model.onnx'),
      ...['text_encoder', 'unet', 'vae_encoder'].map((c) => join(demo, c, 'model.onnx')),
    ];
    for (const file of files) {
      const header = readOnnxHeader(file);
      const session = await ort.InferenceSession.create(file);
      try {
        const names = (values: readonly { name: string; type: string }[]) => values.map((v) => `${v.name}:${v.type}`);
        expect(names(header.inputs)).toEqual(names(session.inputMetadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : '' }))));
        expect(names(header.outputs)).toEqual(names(session.outputMetadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : '' }))));
        header.inputs.forEach((input, i) => {
          const meta = session.inputMetadata[i]!;
          expect(input.shape).toEqual(meta.isTensor ? [...meta.shape] : []);
        });
      } finally {
        await session.release();
      }
    }
    expect(readOnnxHeader(join(sdxl, 'unet', 'model.onnx')).externalFiles).toEqual(['model.onnx_data']);
    expect(readOnnxHeader(join(sdxl, 'vae_decoder', 'model.onnx')).externalFiles).toEqual([]);
  });

  it('a truncated or foreign file is a model-pack error naming it', () => {
    const good = buildOptimumPack(join(temp.home, 'sd15'), { kind: 'sd15' });
    const bytes = readFileSync(join(good, 'unet', 'model.onnx'));
    const cases: [string, Uint8Array][] = [
      ['truncated.onnx', bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['empty.onnx', new Uint8Array(0)],
      ['png.onnx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ];
    for (const [name, data] of cases) {
      const file = join(temp.home, name);
      writeFileSync(file, data);
      expect(() => readOnnxHeader(file)).toThrow(KilnError);
      expect(() => readOnnxHeader(file)).toThrow(new RegExp(`${name} is not a readable ONNX model`));
    }
  });
});
