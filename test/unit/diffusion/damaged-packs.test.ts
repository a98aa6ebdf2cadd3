import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKilnStore } from '../../../src/core/store/kiln-store';
import { ModelRegistry } from '../../../src/core/studio/model-registry';
import { KilnError } from '../../../src/shared/errors';
import type { GraphValue } from '../../../src/core/diffusion/demo/onnx-model';
import { buildOptimumPack, type OptimumPackOptions } from '../../helpers/optimum-pack';
import { kilnIn } from '../../helpers/kiln-cli';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-damaged-');
afterAll(temp.cleanup);

const kiln = kilnIn(temp.home);

let sd15: string;
let sdxl: string;
beforeAll(() => {
  sd15 = buildOptimumPack(join(temp.home, 'sd15'), { kind: 'sd15', externalData: 'model.onnx_data' });
  sdxl = buildOptimumPack(join(temp.home, 'sdxl'), { kind: 'sdxl' });
});

const editJson = (path: string, edit: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(o);
  writeFileSync(path, JSON.stringify(o));
};

/** The UNet's first float initializer declared twice as long as the data it holds. */
function widenFirstInitializer(graph: GraphValue): GraphValue {
  const i = graph.initializers.findIndex((t) => t.dataType === 'float');
  const initializers = graph.initializers.map((t, k) => (k === i ? { ...t, dims: [2 * t.data.length] } : t));
  return { ...graph, initializers };
}

/** Zeroes the `count` bytes before the first occurrence of `text` (a node's op_type key and length). */
function zeroBefore(file: string, text: string, count: number): void {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(text));
  bytes.fill(0, at - count, at);
  writeFileSync(file, bytes);
}

let counter = 0;
type Case = [string, () => string, RegExp];
const from = (source: () => string, damage: (dir: string) => void) => () => {
  const dir = join(temp.home, `damaged-${counter++}`);
  cpSync(source(), dir, { recursive: true });
  damage(dir);
  return dir;
};
const built = (options: OptimumPackOptions) => () => buildOptimumPack(join(temp.home, `built-${counter++}`), options);

const CASES: Case[] = [
  [
    'an SDXL pack without text_encoder_2',
    from(
      () => sdxl,
      (d) => {
        rmSync(join(d, 'text_encoder_2'), { recursive: true });
        editJson(join(d, 'model_index.json'), (o) => delete o.text_encoder_2);
      },
    ),
    /text_encoder_2[\\/]model\.onnx is missing \(the UNet takes SDXL's text_embeds and time_ids, which need both text encoders\)/,
  ],
  [
    'a text encoder of the wrong hidden width',
    from(
      () => sd15,
      (d) => cpSync(join(sdxl, 'text_encoder', 'model.onnx'), join(d, 'text_encoder', 'model.onnx')),
    ),
    /unet[\\/]model\.onnx expects encoder_hidden_states "encoder_hidden_states" of width 8 but the text encoder produces 6/,
  ],
  ['an 8-channel latent_sample', built({ kind: 'sd15', vaeOutput: 'latent_parameters', vaeOutputName: 'latent_sample' }), /vae_encoder[\\/]model\.onnx output "latent_sample" has 8 channels; with 4 latent channels Kiln expects "latent_sample" with 4 or "latent_parameters" \(mean ‖ log-variance\) with 8/],
  [
    'an SD 2.x 768 v-prediction UNet whose scheduler says epsilon',
    from(
      () => sd15,
      (d) => editJson(join(d, 'unet', 'config.json'), (o) => Object.assign(o, { sample_size: 96, cross_attention_dim: 1024 })),
    ),
    /scheduler_config\.json says prediction_type "epsilon", but unet\/config\.json describes a Stable Diffusion 2\.x 768 UNet .* which predicts v/,
  ],
  ['a missing external data file', from(() => sd15, (d) => rmSync(join(d, 'unet', 'model.onnx_data'))), /unet[\\/]model\.onnx keeps its weights in the external data file "model\.onnx_data", which is missing beside it/],
  [
    'a truncated external data file',
    from(
      () => sd15,
      (d) => truncateSync(join(d, 'unet', 'model.onnx_data'), 4),
    ),
    /unet[\\/]model\.onnx_data is truncated: 4 bytes, but model\.onnx needs \d+ \(its initializer "[^"]+" ends there; download or copy it again\)/,
  ],
  ['an SDXL VAE exported in fp16 (force_upcast)', built({ kind: 'sdxl', dtype: 'float16' }), /vae_decoder[\\/]model\.onnx is float16, but the VAE config says force_upcast/],
  [
    'an SDXL text encoder without hidden_states outputs',
    from(
      () => sdxl,
      (d) => cpSync(join(sd15, 'text_encoder', 'model.onnx'), join(d, 'text_encoder', 'model.onnx')),
    ),
    /text_encoder[\\/]model\.onnx has no hidden_states\.N outputs; an SDXL pack conditions on the penultimate hidden state/,
  ],
  [
    'a scheduler config without beta_start',
    from(
      () => sd15,
      (d) => editJson(join(d, 'scheduler', 'scheduler_config.json'), (o) => delete o.beta_start),
    ),
    /scheduler_config\.json lacks beta_start \(Kiln derives ᾱ_t from beta_start, beta_end and beta_schedule\)/,
  ],
  ['an SDXL pack without tokenizer_2', from(() => sdxl, (d) => rmSync(join(d, 'tokenizer_2'), { recursive: true })), /tokenizer_2 is missing \(SDXL's second text encoder has its own tokenizer\)/],
  [
    'a VAE config whose latent channels differ from the UNet',
    from(
      () => sd15,
      (d) => editJson(join(d, 'vae_decoder', 'config.json'), (o) => (o.latent_channels = 8)),
    ),
    /unet[\\/]model\.onnx works on 4-channel samples but the VAE's config says latent_channels 8/,
  ],
  [
    'a kiln.json tensor mapping to a name the UNet lacks',
    from(
      () => sd15,
      (d) => writeFileSync(join(d, 'kiln.json'), JSON.stringify({ tensorNames: { unet: { sample: 'x' } } })),
    ),
    /unet[\\/]model\.onnx has no tensor "x" \(kiln\.json tensorNames maps sample to it; it has "sample", "timestep", "encoder_hidden_states"\)/,
  ],
  [
    'a UNet initializer whose raw data is shorter than its shape',
    built({ kind: 'sd15', editUnet: widenFirstInitializer }),
    /unet[\\/]model\.onnx initializer "[^"]+" \(float32 \[2\]\) holds 4 bytes of raw data where its shape needs 8: the file is damaged/,
  ],
  [
    'a weights.pb whose tensor lengths do not match the model (from another export)',
    built({ kind: 'sd15', externalData: 'weights.pb', editUnet: widenFirstInitializer }),
    /unet[\\/]model\.onnx initializer "[^"]+" \(float32 \[2\]\) takes 4 bytes of weights\.pb where its shape needs 8: the file is damaged/,
  ],
  [
    'a UNet whose node bytes were damaged (a download with a hole)',
    from(
      () => sd15,
      (d) => zeroBefore(join(d, 'unet', 'model.onnx'), 'ReduceMean', 2),
    ),
    /unet[\\/]model\.onnx is not a readable ONNX model \(field number 0 at byte \d+\)/,
  ],
];

describe('damaged or mismatched packs', () => {
  it('the intact packs pass, and so do components model_index.json marks absent ([null, null])', async () => {
    for (const dir of [sd15, sdxl]) expect((await kiln('models', 'inspect', dir)).code).toBe(0);
    const dir = from(
      () => sd15,
      (d) => editJson(join(d, 'model_index.json'), (o) => Object.assign(o, { text_encoder_2: [null, null], safety_checker: [null, null] })),
    )();
    expect((await kiln('models', 'inspect', dir)).code).toBe(0);
  });

  it.each(CASES)('%s: a model-pack error at open time, no stack trace, no run recorded', async (_, make, message) => {
    const dir = make();
    const inspected = await kiln('models', 'inspect', dir);
    expect(inspected.code).toBe(1);
    expect(inspected.err).toMatch(message);
    expect(inspected.err).not.toMatch(/\n\s+at /);
    const generated = await kiln('generate', '--model', dir, '--prompt', 'a red cube', '--iters', '2', '--threads', '1');
    expect(generated.code).toBe(1);
    expect(generated.err).toMatch(message);
    expect(generated.err).not.toMatch(/\n\s+at /);
    expect(JSON.parse((await kiln('runs', '--json')).out)).toEqual([]);
  });

  it("the studio's model registry (Add model folder) refuses them and registers intact packs with their size", () => {
    const store = openKilnStore(temp.home);
    try {
      const registry = new ModelRegistry(store.db);
      expect(registry.add(sdxl)).toMatchObject({ ok: true, kind: 'text-to-image', imageSize: 64 });
      const [, make, message] = CASES[2]!;
      const dir = make();
      expect(() => registry.add(dir)).toThrow(KilnError);
      expect(() => registry.add(dir)).toThrow(message);
      expect(registry.list().filter((m) => !m.builtIn).map((m) => m.path)).toEqual([sdxl]);
    } finally {
      store.close();
    }
  });
});
