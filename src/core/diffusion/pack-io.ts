import { modelPackError } from './model-pack-error';
import type { OnnxHeader } from './onnx-header';
import { expectTensor, findByRole, fixedDim, type TensorInfo } from './onnx-metadata';
import type { FloatType, IndexType } from './tensor-io';

/**
 * Which declared input or output of each component plays which role. Names follow diffusers/optimum exports; a
 * pack from another exporter maps roles to its own names in kiln.json's `tensorNames` (docs/model-packs.md).
 */
export const TENSOR_ROLES = {
  unet: ['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids', 'pose', 'out_sample'],
  text_encoder: ['input_ids', 'hidden_states', 'pooled'],
  text_encoder_2: ['input_ids', 'hidden_states', 'pooled'],
  vae_encoder: ['sample', 'latent'],
  vae_decoder: ['latent_sample', 'sample'],
} as const;
export type RoleNames = Readonly<Record<string, string>>;

type Float = TensorInfo & { type: FloatType };

export interface UnetIo {
  sample: Float;
  timestep: TensorInfo & { type: IndexType };
  encoderHiddenStates?: Float;
  pose?: Float;
  /** SDXL's added conditioning: the pooled text embedding and the six size/crop ids. */
  textEmbeds?: Float;
  timeIds?: Float;
  output: Float;
  /** Rows per call when the model's batch is fixed, else undefined. */
  fixedBatch?: number;
  /** Channels of the noisy sample (the input may carry more: a concatenated reference latent). */
  sampleChannels: number;
}

export interface TextEncoderIo {
  inputIds: TensorInfo & { type: IndexType };
  /** The hidden states Kiln conditions on: last_hidden_state, or for SDXL the penultimate hidden_states.N. */
  hiddenStates: Float;
  /** The pooled, projected embedding (SDXL's second encoder: text_embeds). */
  pooled?: Float;
  fixedBatch?: number;
}

export interface VaeIo {
  input: Float;
  output: Float;
}

const INDEX_TYPES: readonly string[] = ['int64', 'int32', 'float32', 'float16'];

/** The value kiln.json maps `role` to, else what `search` finds; a mapped name the model lacks is an error. */
function pick(file: string, values: readonly TensorInfo[], names: RoleNames, role: string, search: () => TensorInfo | undefined): TensorInfo | undefined {
  const mapped = names[role];
  if (mapped === undefined) return search();
  const found = values.find((v) => v.name === mapped);
  if (!found) throw modelPackError(file, `has no tensor "${mapped}" (kiln.json tensorNames maps ${role} to it; it has ${values.map((v) => `"${v.name}"`).join(', ')})`);
  return found;
}

export function resolveUnetIo(file: string, io: OnnxHeader, names: RoleNames, viewConditioned: boolean): UnetIo {
  const { inputs, outputs } = io;
  const sample = expectTensor(file, pick(file, inputs, names, 'sample', () => findByRole(inputs, { pattern: /sample|latent/i, rank: [4] }) ?? inputs[0]), 'sample input', 4) as Float;
  const timestep = pick(file, inputs, names, 'timestep', () => findByRole(inputs, { pattern: /^(timesteps?|t)$/i, exclude: [sample.name] }) ?? findByRole(inputs, { pattern: /time(?!_ids)/i, exclude: [sample.name] }));
  if (!timestep) throw modelPackError(file, 'has no timestep input');
  if (timestep.shape.length > 1 || !INDEX_TYPES.includes(timestep.type)) {
    throw modelPackError(file, `timestep input "${timestep.name}" is ${timestep.type} [${timestep.shape.join(', ')}]; expected a scalar or 1-D int64/int32/float tensor`);
  }
  const used = [sample.name, timestep.name];
  const optional = (role: string, pattern: RegExp, rank: number, what: string) => {
    const found = pick(file, inputs, names, role, () => findByRole(inputs, { pattern, rank: [rank], exclude: used }));
    if (found) used.push(expectTensor(file, found, what, rank).name);
    return found as Float | undefined;
  };
  const hidden = optional('encoder_hidden_states', /encoder_hidden|hidden_states|context/i, 3, 'encoder_hidden_states input');
  const pose = viewConditioned ? optional('pose', /pose|camera/i, 2, 'pose input') : undefined;
  const textEmbeds = viewConditioned ? undefined : optional('text_embeds', /^text_embeds$/i, 2, 'text_embeds input');
  const timeIds = viewConditioned ? undefined : optional('time_ids', /^time_ids$/i, 2, 'time_ids input');
  if (!viewConditioned && !hidden) throw modelPackError(file, 'has no encoder_hidden_states input (rank 3) for the text conditioning');
  if (viewConditioned && !pose) throw modelPackError(file, 'has no pose input (rank 2) although kiln.json says the pack is view-conditioned');
  if (Boolean(textEmbeds) !== Boolean(timeIds)) {
    throw modelPackError(file, `has ${textEmbeds ? 'text_embeds' : 'time_ids'} but no ${textEmbeds ? 'time_ids' : 'text_embeds'} input; SDXL's added conditioning takes both`);
  }
  const unknown = inputs.filter((i) => !used.includes(i.name));
  if (unknown.length > 0) {
    const lcm = unknown.some((u) => u.name === 'timestep_cond') ? ' ("timestep_cond" is an LCM-distilled UNet\'s guidance embedding, which Kiln does not drive)' : '';
    throw modelPackError(file, `has inputs Kiln cannot fill: ${unknown.map((u) => `"${u.name}"`).join(', ')}${lcm}`);
  }
  const output = expectTensor(file, pick(file, outputs, names, 'out_sample', () => findByRole(outputs, { pattern: /out|noise|sample/i, rank: [4] }) ?? outputs[0]), 'noise output', 4) as Float;
  const inChannels = fixedDim(sample, 1);
  const outChannels = fixedDim(output, 1) ?? inChannels;
  if (outChannels === undefined) throw modelPackError(file, `sample input "${sample.name}" has no fixed channel count`);
  if (viewConditioned && inChannels !== 2 * outChannels) {
    throw modelPackError(file, `sample input has ${inChannels} channels; a view-conditioned UNet takes 2 × ${outChannels} (noisy sample ‖ reference latent)`);
  }
  if (!viewConditioned && inChannels !== undefined && inChannels !== outChannels) {
    throw modelPackError(file, `sample input "${sample.name}" has ${inChannels} channels but output "${output.name}" ${outChannels}; Kiln drives text-to-image UNets whose output matches their sample`);
  }
  return { sample, timestep: timestep as UnetIo['timestep'], encoderHiddenStates: hidden, pose: pose, textEmbeds, timeIds, output, fixedBatch: fixedDim(sample, 0), sampleChannels: outChannels };
}

/** SDXL's hidden_states.(N−1) when the highest hidden_states.N output is N (optimum adds them for SDXL exports). */
function penultimateHiddenState(file: string, outputs: readonly TensorInfo[]): TensorInfo {
  const states = new Map<number, TensorInfo>();
  for (const o of outputs) {
    const m = /^hidden_states\.(\d+)$/.exec(o.name);
    if (m) states.set(Number(m[1]), o);
  }
  const last = Math.max(-1, ...states.keys());
  if (last < 1) {
    throw modelPackError(file, 'has no hidden_states.N outputs; an SDXL pack conditions on the penultimate hidden state of each text encoder (optimum exports them: see docs/model-packs.md)');
  }
  const penultimate = states.get(last - 1);
  if (!penultimate) throw modelPackError(file, `has hidden_states.${last} but no hidden_states.${last - 1} (the penultimate one SDXL conditions on)`);
  return penultimate;
}

/**
 * `penultimate`: SDXL conditions on the second-to-last hidden state of each encoder (diffusers' hidden_states[-2]),
 * which is hidden_states.(N−1) when the highest output is hidden_states.N.
 */
export function resolveTextEncoderIo(file: string, io: OnnxHeader, names: RoleNames, penultimate: boolean): TextEncoderIo {
  const { inputs, outputs } = io;
  const inputIds = expectTensor(file, pick(file, inputs, names, 'input_ids', () => findByRole(inputs, { pattern: /input_ids|ids/i, rank: [2] })), 'input_ids input', 2, false);
  if (!INDEX_TYPES.includes(inputIds.type)) throw modelPackError(file, `input_ids "${inputIds.name}" has type ${inputIds.type}; expected int32 or int64`);
  const hidden = pick(file, outputs, names, 'hidden_states', () =>
    penultimate ? penultimateHiddenState(file, outputs) : findByRole(outputs, { pattern: /last_hidden_state/i, rank: [3] }),
  );
  const hiddenStates = expectTensor(file, hidden, penultimate ? 'penultimate hidden state output' : 'last_hidden_state output', 3) as Float;
  const pooledInfo = pick(file, outputs, names, 'pooled', () => findByRole(outputs, { pattern: /^(text_embeds|pooler_output)$/i, rank: [2] }));
  const pooled = pooledInfo ? (expectTensor(file, pooledInfo, 'pooled output', 2) as Float) : undefined;
  return { inputIds: inputIds as TextEncoderIo['inputIds'], hiddenStates, pooled, fixedBatch: fixedDim(inputIds, 0) };
}

export function resolveVaeIo(file: string, io: OnnxHeader, names: RoleNames, roles: readonly [string, string]): VaeIo {
  const input = expectTensor(file, pick(file, io.inputs, names, roles[0], () => io.inputs[0]), `${roles[0]} input`, 4) as Float;
  const output = expectTensor(file, pick(file, io.outputs, names, roles[1], () => findByRole(io.outputs, { pattern: /sample|latent/i, rank: [4] }) ?? io.outputs[0]), `${roles[1]} output`, 4) as Float;
  return { input, output };
}
