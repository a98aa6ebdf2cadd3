import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GraphBuilder, int, ints } from '../../src/core/diffusion/demo/graph-builder';
import { buildVocabulary, mergesText } from '../../src/core/diffusion/demo/demo-vocabulary';
import { serializeModel, type GraphValue, type TensorDataTypeName, type TensorValue } from '../../src/core/diffusion/demo/onnx-model';

/**
 * Tiny model packs in the exact folder layout, tensor names, dtypes and dynamic axes that Hugging Face optimum writes
 * for Stable Diffusion exports (optimum/exporters/onnx/model_configs.py: UNetOnnxConfig, VaeEncoderOnnxConfig,
 * CLIPTextOnnxConfig, CLIPTextWithProjectionOnnxConfig), with tiny widths and simple closed-form "weights", so tests
 * can check what Kiln feeds and reads against an independent computation:
 *
 * - text encoder e (width W_e, N_e layers): hidden_states.k[b, s, j] = E_e[id, j]·(k+1)/(N_e+1), E_e[v, j] =
 *   sin(0.37·v + 1.3·j + e)/2; last_hidden_state = hidden_states.N_e; pooler_output = mean_s of it; the second
 *   SDXL encoder's text_embeds = pooler_output · P (P[j, p] = cos(j + 2p)/W).
 * - UNet: out_sample = A·sample + 0.1·mean(encoder_hidden_states) + 1e-4·t [+ 0.05·mean(text_embeds) + 1e-4·mean(time_ids)].
 * - VAE encoder: 8×8 patch means of colour mixes (latent_sample: 4 channels; latent_parameters: that mean ‖ −4).
 * - VAE decoder: the transpose (nearest 8×8 upsampling of a colour mix).
 * The VAE configs carry force_upcast: true for every kind, as diffusers saves its default into every config, unless
 * `forceUpcast` is false (an fp16-safe SDXL VAE such as madebyollin/sdxl-vae-fp16-fix).
 */
export const UNET_SCALE = 0.9;
export const TEXT_SCALE = 0.1;
export const TIME_SCALE = 1e-4;
export const POOLED_SCALE = 0.05;
export const TIME_IDS_SCALE = 1e-4;
export const LOG_VARIANCE = -4;
const DOWNSAMPLE = 8;
const LATENT_CHANNELS = 4;
const SEQUENCE = 77;
export const FIXTURE_WORDS = ['a', 'red', 'cube', 'photo', 'of', 'blue', 'mug'];

export interface OptimumPackOptions {
  kind: 'sd15' | 'sd21-v' | 'sdxl' | 'sdxl-turbo' | 'sd-turbo';
  /** Current optimum writes latent_parameters (8 channels); older versions latent_sample (4). */
  vaeOutput?: 'latent_sample' | 'latent_parameters';
  /** Another exporter's UNet tensor names, by optimum name (kiln.json tensorNames tests). */
  unetNames?: Partial<Record<'sample' | 'timestep' | 'encoder_hidden_states' | 'out_sample', string>>;
  /** Names the VAE encoder's output differently from its layout (damaged-pack tests). */
  vaeOutputName?: string;
  dtype?: 'float32' | 'float16';
  /** Store the UNet's weights beside it as ONNX external data in this file ("model.onnx_data" or "weights.pb"). */
  externalData?: string;
  imageSize?: number;
  /** The VAE configs' force_upcast (default true). */
  forceUpcast?: boolean;
  /** Rewrites the UNet graph before it is written (damaged-pack tests: an initializer whose data misfits its dims). */
  editUnet?: (graph: GraphValue) => GraphValue;
}

export interface EncoderSpec {
  width: number;
  layers: number;
  seed: number;
}

export interface OptimumPackSpec {
  encoders: EncoderSpec[];
  pooledWidth?: number;
  imageSize: number;
  sdxl: boolean;
}

export function packSpec(options: OptimumPackOptions): OptimumPackSpec {
  const sdxl = options.kind === 'sdxl' || options.kind === 'sdxl-turbo';
  const encoders = sdxl
    ? [
        { width: 6, layers: 3, seed: 0 },
        { width: 10, layers: 4, seed: 1 },
      ]
    : [{ width: 8, layers: 2, seed: 0 }];
  return { encoders, pooledWidth: sdxl ? 5 : undefined, imageSize: options.imageSize ?? 64, sdxl };
}

export const embeddingValue = (e: EncoderSpec, v: number, j: number) => Math.fround(Math.sin(0.37 * v + 1.3 * j + e.seed) / 2);
export const projectionValue = (width: number, j: number, p: number) => Math.fround(Math.cos(j + 2 * p) / width);

/** Colour mix of latent channel k from RGB (rows of the 4×3 patch-mean encoder). */
const COLOUR_MIX = [
  [0.3, 0.5, 0.2],
  [0.5, -0.5, 0],
  [0.25, 0.25, -0.5],
  [-0.2, 0.1, 0.3],
];

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

const floatType = (dtype: OptimumPackOptions['dtype']): TensorDataTypeName => (dtype === 'float16' ? 'float16' : 'float');
const castIn = (g: GraphBuilder, name: string, dtype: OptimumPackOptions['dtype']) => (dtype === 'float16' ? g.op('Cast', [name], { to: int(1) }) : name);
const castOut = (g: GraphBuilder, name: string, dtype: OptimumPackOptions['dtype']) => (dtype === 'float16' ? g.op('Cast', [name], { to: int(10) }) : name);

function textEncoderGraph(e: EncoderSpec, vocabSize: number, withProjection: number | undefined, hiddenOutputs: boolean, idType: 'int32' | 'int64'): GraphValue {
  const g = new GraphBuilder('text_encoder');
  const ids = g.input({ name: 'input_ids', dataType: idType, shape: ['batch_size', 'sequence_length'] });
  const table = new Float32Array(vocabSize * e.width);
  for (let v = 0; v < vocabSize; v++) for (let j = 0; j < e.width; j++) table[v * e.width + j] = embeddingValue(e, v, j);
  const embedded = g.op('Gather', [g.floats(table, [vocabSize, e.width]), g.op('Cast', [ids], { to: int(7) })], { axis: int(0) });
  const hidden = (k: number) => g.op('Mul', [embedded, g.scalar((k + 1) / (e.layers + 1))]);
  const shape = ['batch_size', 'sequence_length', e.width];
  const last = hidden(e.layers);
  const pooled = g.op('ReduceMean', [last], { axes: ints([1]), keepdims: int(0) });
  if (withProjection !== undefined) {
    const P = new Float32Array(e.width * withProjection);
    for (let j = 0; j < e.width; j++) for (let p = 0; p < withProjection; p++) P[j * withProjection + p] = projectionValue(e.width, j, p);
    // optimum declares text_embeds' second axis "sequence_length" (CLIPTextWithProjectionOnnxConfig).
    g.output(g.op('MatMul', [pooled, g.floats(P, [e.width, withProjection])]), { name: 'text_embeds', dataType: 'float', shape: ['batch_size', 'sequence_length'] });
  }
  g.output(last, { name: 'last_hidden_state', dataType: 'float', shape });
  if (withProjection === undefined) g.output(pooled, { name: 'pooler_output', dataType: 'float', shape: ['batch_size', e.width] });
  if (hiddenOutputs) for (let k = 0; k <= e.layers; k++) g.output(k === e.layers ? last : hidden(k), { name: `hidden_states.${k}`, dataType: 'float', shape });
  return g.build();
}

/** Moves every float initializer of `graph` to one external data file; returns its bytes. */
function externalise(graph: GraphValue, location: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const initializers = graph.initializers.map((t): TensorValue => {
    if (t.dataType !== 'float') return t;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    parts.push(bytes);
    const placed = { ...t, external: { location, offset } };
    offset += bytes.length;
    return placed;
  });
  (graph as { initializers: readonly TensorValue[] }).initializers = initializers;
  const out = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function unetGraph(spec: OptimumPackSpec, dtype: OptimumPackOptions['dtype'], names: OptimumPackOptions['unetNames'] = {}): GraphValue {
  const g = new GraphBuilder('unet');
  const f = floatType(dtype);
  const width = spec.encoders.reduce((w, e) => w + e.width, 0);
  const sample = castIn(g, g.input({ name: names.sample ?? 'sample', dataType: f, shape: ['batch_size', LATENT_CHANNELS, 'height', 'width'] }), dtype);
  const t = g.input({ name: names.timestep ?? 'timestep', dataType: 'int64', shape: [] });
  const hidden = castIn(g, g.input({ name: names.encoder_hidden_states ?? 'encoder_hidden_states', dataType: f, shape: ['batch_size', 'sequence_length', width] }), dtype);
  const perRow = (x: string, axes: number[]) => g.op('ReduceMean', [x], { axes: ints(axes), keepdims: int(1) });
  const toRow = (x: string) => g.op('Reshape', [x, g.int64s([-1, 1, 1, 1])]);
  let cond = g.op('Mul', [toRow(perRow(hidden, [1, 2])), g.scalar(TEXT_SCALE)]);
  if (spec.sdxl) {
    const embeds = castIn(g, g.input({ name: 'text_embeds', dataType: f, shape: ['batch_size', spec.pooledWidth!] }), dtype);
    const timeIds = castIn(g, g.input({ name: 'time_ids', dataType: f, shape: ['batch_size', 6] }), dtype);
    cond = g.op('Add', [cond, g.op('Mul', [toRow(perRow(embeds, [1])), g.scalar(POOLED_SCALE)])]);
    cond = g.op('Add', [cond, g.op('Mul', [toRow(perRow(timeIds, [1])), g.scalar(TIME_IDS_SCALE)])]);
  }
  const time = g.op('Mul', [g.op('Cast', [t], { to: int(1) }), g.scalar(TIME_SCALE)]);
  const out = g.op('Add', [g.op('Add', [g.op('Mul', [sample, g.floats([UNET_SCALE], [1])]), cond]), time]);
  g.output(castOut(g, out, dtype), { name: names.out_sample ?? 'out_sample', dataType: f, shape: ['batch_size', LATENT_CHANNELS, 'height', 'width'] });
  return g.build();
}

function vaeEncoderGraph(layout: 'latent_sample' | 'latent_parameters', dtype: OptimumPackOptions['dtype'], outputName: string = layout): GraphValue {
  const g = new GraphBuilder('vae_encoder');
  const f = floatType(dtype);
  const channels = layout === 'latent_parameters' ? 2 * LATENT_CHANNELS : LATENT_CHANNELS;
  const kernel = new Float32Array(channels * 3 * DOWNSAMPLE * DOWNSAMPLE);
  for (let k = 0; k < LATENT_CHANNELS; k++) for (let c = 0; c < 3; c++) for (let p = 0; p < DOWNSAMPLE * DOWNSAMPLE; p++) kernel[(k * 3 + c) * DOWNSAMPLE * DOWNSAMPLE + p] = COLOUR_MIX[k]![c]! / (DOWNSAMPLE * DOWNSAMPLE);
  const bias = Float32Array.from({ length: channels }, (_, k) => (k < LATENT_CHANNELS ? 0 : LOG_VARIANCE));
  const sample = castIn(g, g.input({ name: 'sample', dataType: f, shape: ['batch_size', 3, 'sample_height', 'sample_width'] }), dtype);
  const latent = g.op('Conv', [sample, g.floats(kernel, [channels, 3, DOWNSAMPLE, DOWNSAMPLE]), g.floats(bias, [channels])], { kernel_shape: ints([DOWNSAMPLE, DOWNSAMPLE]), strides: ints([DOWNSAMPLE, DOWNSAMPLE]) });
  g.output(castOut(g, latent, dtype), { name: outputName, dataType: f, shape: ['batch_size', channels, `sample_height / ${DOWNSAMPLE}`, `sample_width / ${DOWNSAMPLE}`] });
  return g.build();
}

function vaeDecoderGraph(dtype: OptimumPackOptions['dtype']): GraphValue {
  const g = new GraphBuilder('vae_decoder');
  const f = floatType(dtype);
  const kernel = new Float32Array(LATENT_CHANNELS * 3 * DOWNSAMPLE * DOWNSAMPLE);
  for (let k = 0; k < LATENT_CHANNELS; k++) for (let c = 0; c < 3; c++) for (let p = 0; p < DOWNSAMPLE * DOWNSAMPLE; p++) kernel[(k * 3 + c) * DOWNSAMPLE * DOWNSAMPLE + p] = COLOUR_MIX[k]![c]!;
  const latent = castIn(g, g.input({ name: 'latent_sample', dataType: f, shape: ['batch_size', LATENT_CHANNELS, 'latent_height', 'latent_width'] }), dtype);
  const image = g.op('ConvTranspose', [latent, g.floats(kernel, [LATENT_CHANNELS, 3, DOWNSAMPLE, DOWNSAMPLE])], { kernel_shape: ints([DOWNSAMPLE, DOWNSAMPLE]), strides: ints([DOWNSAMPLE, DOWNSAMPLE]) });
  g.output(castOut(g, image, dtype), { name: 'sample', dataType: f, shape: ['batch_size', 3, `latent_height * ${DOWNSAMPLE}`, `latent_width * ${DOWNSAMPLE}`] });
  return g.build();
}

const SCHEDULERS: Record<OptimumPackOptions['kind'], Record<string, unknown>> = {
  // SD 1.5's own scheduler_config.json (PNDM, no prediction_type or timestep_spacing: the class defaults apply).
  sd15: { _class_name: 'PNDMScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, num_train_timesteps: 1000, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, trained_betas: null, clip_sample: false },
  'sd21-v': { _class_name: 'DDIMScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, clip_sample: false, num_train_timesteps: 1000, prediction_type: 'v_prediction', set_alpha_to_one: false, steps_offset: 1, trained_betas: null },
  sdxl: { _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon', sample_max_value: 1.0, steps_offset: 1, timestep_spacing: 'leading', trained_betas: null, use_karras_sigmas: false },
  'sdxl-turbo': { _class_name: 'EulerAncestralDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, num_train_timesteps: 1000, prediction_type: 'epsilon', steps_offset: 1, timestep_spacing: 'trailing', trained_betas: null },
  'sd-turbo': { _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon', steps_offset: 1, timestep_spacing: 'trailing', trained_betas: null, use_karras_sigmas: false },
};

/** Writes a pack into `dir`; returns `dir`. */
export function buildOptimumPack(dir: string, options: OptimumPackOptions): string {
  const spec = packSpec(options);
  const dtype = options.dtype ?? 'float32';
  const put = (rel: string, data: string | Uint8Array) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
  };
  const onnx = (rel: string, graph: GraphValue) => put(rel, serializeModel({ graph, producerName: 'pytorch', producerVersion: '2.1.0' }));
  const { vocab, merges } = buildVocabulary(FIXTURE_WORDS);
  const vocabSize = Object.keys(vocab).length;
  const components: Record<string, unknown> = { scheduler: ['diffusers', String(SCHEDULERS[options.kind]._class_name)], unet: ['optimum', 'ORTModelUnet'], vae_decoder: ['optimum', 'ORTModelVaeDecoder'], vae_encoder: ['optimum', 'ORTModelVaeEncoder'], text_encoder: ['optimum', 'ORTModelTextEncoder'], tokenizer: ['transformers', 'CLIPTokenizer'] };
  put('scheduler/scheduler_config.json', json(SCHEDULERS[options.kind]));
  spec.encoders.forEach((e, i) => {
    const suffix = i === 0 ? '' : '_2';
    const projection = spec.sdxl && i === 1 ? spec.pooledWidth : undefined;
    onnx(`text_encoder${suffix}/model.onnx`, textEncoderGraph(e, vocabSize, projection, spec.sdxl, spec.sdxl ? 'int64' : 'int32'));
    put(`text_encoder${suffix}/config.json`, json({ architectures: [projection ? 'CLIPTextModelWithProjection' : 'CLIPTextModel'], hidden_size: e.width, num_hidden_layers: e.layers, max_position_embeddings: SEQUENCE, ...(projection ? { projection_dim: projection } : {}) }));
    put(`tokenizer${suffix}/vocab.json`, json(vocab));
    put(`tokenizer${suffix}/merges.txt`, mergesText(merges));
    // SDXL's tokenizer_2 pads with "!" where tokenizer pads with <|endoftext|>.
    put(`tokenizer${suffix}/tokenizer_config.json`, json({ model_max_length: SEQUENCE, pad_token: i === 1 ? '!' : '<|endoftext|>', bos_token: '<|startoftext|>', eos_token: '<|endoftext|>' }));
    if (i === 1) {
      components.text_encoder_2 = ['optimum', 'ORTModelTextEncoder'];
      components.tokenizer_2 = ['transformers', 'CLIPTokenizer'];
    }
  });
  const unet = (options.editUnet ?? ((g) => g))(unetGraph(spec, dtype, options.unetNames));
  if (options.externalData) put(`unet/${options.externalData}`, externalise(unet, options.externalData));
  onnx('unet/model.onnx', unet);
  const latentSize = spec.imageSize / DOWNSAMPLE;
  const width = spec.encoders.reduce((w, e) => w + e.width, 0);
  put('unet/config.json', json({ _class_name: 'UNet2DConditionModel', in_channels: LATENT_CHANNELS, out_channels: LATENT_CHANNELS, sample_size: latentSize, cross_attention_dim: width, ...(spec.sdxl ? { addition_embed_type: 'text_time', addition_time_embed_dim: 256, projection_class_embeddings_input_dim: 6 * 256 + spec.pooledWidth! } : {}) }));
  onnx('vae_encoder/model.onnx', vaeEncoderGraph(options.vaeOutput ?? 'latent_parameters', dtype, options.vaeOutputName));
  onnx('vae_decoder/model.onnx', vaeDecoderGraph(dtype));
  const vaeConfig = json({ _class_name: 'AutoencoderKL', latent_channels: LATENT_CHANNELS, block_out_channels: [8, 8, 8, 8], sample_size: spec.imageSize, scaling_factor: spec.sdxl ? 0.13025 : 0.18215, force_upcast: options.forceUpcast ?? true });
  put('vae_encoder/config.json', vaeConfig);
  put('vae_decoder/config.json', vaeConfig);
  put('model_index.json', json({ _class_name: spec.sdxl ? 'ORTStableDiffusionXLPipeline' : 'ORTStableDiffusionPipeline', _diffusers_version: '0.30.0', ...(spec.sdxl ? { force_zeros_for_empty_prompt: true } : { requires_safety_checker: false }), ...components }));
  return dir;
}
