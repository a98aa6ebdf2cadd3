import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { z } from 'zod';
import { loadClipTokenizer, type ClipTokenizer } from './clip-tokenizer';
import { chooseExecutionProviders, listBackends } from './execution-providers';
import { KilnManifest } from './kiln-manifest';
import { modelPackError } from './model-pack-error';
import { NoiseSchedule, SchedulerConfig } from './noise-schedule';
import { describeValues, expectTensor, findByRole, fixedDim, type TensorInfo } from './onnx-metadata';
import { SessionSettings, type ExecutionProviderName, type SessionSettingsInput } from './session-settings';
import type { FloatType, IndexType } from './tensor-io';
import { jsonSyntaxProblem } from '../fs/json-syntax-problem';

export const PACK_COMPONENTS = ['text_encoder', 'text_encoder_2', 'unet', 'vae_encoder', 'vae_decoder'] as const;
export type PackComponent = (typeof PACK_COMPONENTS)[number];

/** What a folder says about itself before any ONNX file is opened. */
export interface PackDescription {
  dir: string;
  modelIndex: Record<string, unknown>;
  schedule: NoiseSchedule;
  manifest: KilnManifest;
  /** model.onnx per component present on disk. */
  onnxFiles: Partial<Record<PackComponent, string>>;
  tokenizerDirs: { tokenizer?: string; tokenizer_2?: string };
  isSdxl: boolean;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) throw modelPackError(path, 'is missing');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw modelPackError(path, `is not valid JSON (${jsonSyntaxProblem(err)})`);
  }
}

function parseWith<T>(path: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(top level)';
  const got = issue.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), raw);
  throw modelPackError(path, `has an invalid ${field}${got === undefined ? '' : ` (${JSON.stringify(got)})`}: ${issue.message}`);
}

/** Reads and checks a pack's JSON files and which ONNX files exist; fails on the first problem, naming the file. */
export function describePack(dir: string): PackDescription {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw modelPackError(dir, 'is not a folder');
  const indexPath = join(dir, 'model_index.json');
  if (!existsSync(indexPath)) throw modelPackError(indexPath, 'is missing: this is not a diffusers ONNX model folder');
  const modelIndex = parseWith(indexPath, z.record(z.string(), z.unknown()), readJson(indexPath));
  const schedulerPath = join(dir, 'scheduler', 'scheduler_config.json');
  const schedule = new NoiseSchedule(parseWith(schedulerPath, SchedulerConfig, readJson(schedulerPath)));
  const manifestPath = join(dir, 'kiln.json');
  const manifest = existsSync(manifestPath) ? parseWith(manifestPath, KilnManifest, readJson(manifestPath)) : KilnManifest.parse({});
  const onnxFiles: PackDescription['onnxFiles'] = {};
  for (const component of PACK_COMPONENTS) {
    const path = join(dir, component, 'model.onnx');
    if (existsSync(path)) onnxFiles[component] = path;
    else if (component in modelIndex) throw modelPackError(path, `is missing (model_index.json lists ${component})`);
  }
  if (!onnxFiles.unet) throw modelPackError(join(dir, 'unet', 'model.onnx'), 'is missing');
  const tokenizerDirs: PackDescription['tokenizerDirs'] = {};
  for (const name of ['tokenizer', 'tokenizer_2'] as const) if (existsSync(join(dir, name))) tokenizerDirs[name] = join(dir, name);
  if (manifest.kind === 'text-to-image') {
    if (!onnxFiles.text_encoder) throw modelPackError(join(dir, 'text_encoder', 'model.onnx'), 'is missing (a text-to-image pack needs a text encoder)');
    if (!tokenizerDirs.tokenizer) throw modelPackError(join(dir, 'tokenizer'), 'is missing (a text-to-image pack needs vocab.json and merges.txt)');
  }
  return { dir, modelIndex, schedule, manifest, onnxFiles, tokenizerDirs, isSdxl: Boolean(onnxFiles.text_encoder_2) };
}

export interface UnetIo {
  sample: TensorInfo & { type: FloatType };
  timestep: TensorInfo & { type: IndexType };
  encoderHiddenStates?: TensorInfo & { type: FloatType };
  pose?: TensorInfo & { type: FloatType };
  output: TensorInfo & { type: FloatType };
  /** Rows per call when the model's batch is fixed, else undefined. */
  fixedBatch?: number;
  /** Channels of the noisy sample (the input may carry more: a concatenated reference latent). */
  sampleChannels: number;
}

export interface TextEncoderIo {
  inputIds: TensorInfo & { type: IndexType };
  hiddenStates: TensorInfo & { type: FloatType };
  fixedBatch?: number;
}

export interface VaeIo {
  input: TensorInfo & { type: FloatType };
  output: TensorInfo & { type: FloatType };
}

const INDEX_TYPES: readonly string[] = ['int64', 'int32', 'float32', 'float16'];

export function resolveUnetIo(file: string, inputs: TensorInfo[], outputs: TensorInfo[], viewConditioned: boolean): UnetIo {
  const sample = expectTensor(file, findByRole(inputs, { pattern: /sample|latent/i, rank: [4] }) ?? inputs[0], 'sample input', 4) as UnetIo['sample'];
  const timestep = findByRole(inputs, { pattern: /time|^t$/i, exclude: [sample.name] });
  if (!timestep) throw modelPackError(file, 'has no timestep input');
  if (timestep.shape.length > 1 || !INDEX_TYPES.includes(timestep.type)) {
    throw modelPackError(file, `timestep input "${timestep.name}" is ${timestep.type} [${timestep.shape.join(', ')}]; expected a scalar or 1-D int64/int32/float tensor`);
  }
  const used = [sample.name, timestep.name];
  const hidden = findByRole(inputs, { pattern: /encoder_hidden|hidden_states|context/i, rank: [3], exclude: used });
  const pose = viewConditioned ? findByRole(inputs, { pattern: /pose|camera/i, rank: [2], exclude: used }) : undefined;
  if (hidden) used.push(expectTensor(file, hidden, 'encoder_hidden_states input', 3).name);
  if (pose) used.push(expectTensor(file, pose, 'pose input', 2).name);
  if (!viewConditioned && !hidden) throw modelPackError(file, 'has no encoder_hidden_states input (rank 3) for the text conditioning');
  if (viewConditioned && !pose) throw modelPackError(file, 'has no pose input (rank 2) although kiln.json says the pack is view-conditioned');
  const unknown = inputs.filter((i) => !used.includes(i.name));
  if (unknown.length > 0) {
    throw modelPackError(file, `has inputs Kiln cannot fill: ${unknown.map((u) => `"${u.name}"`).join(', ')} (SDXL-style added conditioning is not supported yet)`);
  }
  const output = expectTensor(file, findByRole(outputs, { pattern: /out|noise|sample/i, rank: [4] }) ?? outputs[0], 'noise output', 4) as UnetIo['output'];
  const inChannels = fixedDim(sample, 1);
  const outChannels = fixedDim(output, 1) ?? inChannels;
  if (outChannels === undefined) throw modelPackError(file, `sample input "${sample.name}" has no fixed channel count`);
  if (viewConditioned && inChannels !== 2 * outChannels) {
    throw modelPackError(file, `sample input has ${inChannels} channels; a view-conditioned UNet takes 2 × ${outChannels} (noisy sample ‖ reference latent)`);
  }
  return { sample, timestep: timestep as UnetIo['timestep'], encoderHiddenStates: hidden as UnetIo['encoderHiddenStates'], pose: pose as UnetIo['pose'], output, fixedBatch: fixedDim(sample, 0), sampleChannels: outChannels };
}

export function resolveTextEncoderIo(file: string, inputs: TensorInfo[], outputs: TensorInfo[]): TextEncoderIo {
  const inputIds = expectTensor(file, findByRole(inputs, { pattern: /input_ids|ids/i, rank: [2] }), 'input_ids input', 2, false);
  if (!INDEX_TYPES.includes(inputIds.type)) throw modelPackError(file, `input_ids "${inputIds.name}" has type ${inputIds.type}; expected int32 or int64`);
  const hiddenStates = expectTensor(file, findByRole(outputs, { pattern: /last_hidden_state/i, rank: [3] }), 'last_hidden_state output', 3);
  return { inputIds: inputIds as TextEncoderIo['inputIds'], hiddenStates: hiddenStates as TextEncoderIo['hiddenStates'], fixedBatch: fixedDim(inputIds, 0) };
}

export function resolveVaeIo(file: string, inputs: TensorInfo[], outputs: TensorInfo[]): VaeIo {
  const input = expectTensor(file, inputs[0], 'input', 4) as VaeIo['input'];
  const output = expectTensor(file, findByRole(outputs, { pattern: /sample|latent/i, rank: [4] }) ?? outputs[0], 'output', 4) as VaeIo['output'];
  return { input, output };
}

export interface LoadedSession {
  file: string;
  session: InferenceSession;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface OpenedPack extends PackDescription {
  providers: ExecutionProviderName[];
  warnings: string[];
  sessions: Partial<Record<PackComponent, LoadedSession>>;
  tokenizer?: ClipTokenizer;
  unet: UnetIo;
  textEncoder?: TextEncoderIo;
  vaeEncoder?: VaeIo;
  vaeDecoder?: VaeIo;
  /** Latent scaling factor (1 for pixel packs). */
  scalingFactor: number;
  latentShape: [number, number, number];
  imageSize: number;
}

async function createSession(file: string, settings: SessionSettings, providers: ExecutionProviderName[], warnings: string[]): Promise<LoadedSession> {
  const ort = await import('onnxruntime-node');
  const options: InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: settings.graphOptimizationLevel,
    enableMemPattern: settings.enableMemPattern,
    ...(settings.intraOpNumThreads > 0 ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
  };
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, options);
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? '';
    if (providers[0] !== 'cpu' && !/INVALID_PROTOBUF|invalid model|Protobuf parsing failed/i.test(reason)) {
      warnings.push(`${providers[0]} could not open ${file} (${reason}); using CPU`);
      return createSession(file, settings, ['cpu'], warnings);
    }
    throw modelPackError(file, `is not a readable ONNX model (onnxruntime: ${reason})`);
  }
  return { file, session, inputs: describeValues(session.inputMetadata), outputs: describeValues(session.outputMetadata) };
}

function readScalingFactor(description: PackDescription): number {
  if (description.manifest.latentScaleFactor !== undefined) return description.manifest.latentScaleFactor;
  for (const component of ['vae_decoder', 'vae_encoder']) {
    const path = join(description.dir, component, 'config.json');
    if (!existsSync(path)) continue;
    const config = parseWith(path, z.object({ scaling_factor: z.number().positive().optional() }), readJson(path));
    if (config.scaling_factor !== undefined) return config.scaling_factor;
  }
  return 0.18215; // Stable Diffusion 1.x/2.x's value, what diffusers assumes when the config is silent
}

/** Opens every ONNX file of a pack and checks the inputs and outputs Kiln will feed and read. */
export async function openModelPack(dir: string, settingsInput: SessionSettingsInput = {}): Promise<OpenedPack> {
  const description = describePack(dir);
  const settings = SessionSettings.parse(settingsInput);
  const choice = chooseExecutionProviders(settings.executionProvider, await listBackends());
  const warnings = [...choice.warnings];
  const sessions: OpenedPack['sessions'] = {};
  try {
    for (const [component, file] of Object.entries(description.onnxFiles) as [PackComponent, string][]) {
      sessions[component] = await createSession(file, settings, choice.providers, warnings);
    }
    const u = sessions.unet!;
    const viewConditioned = description.manifest.kind === 'view-conditioned';
    const unet = resolveUnetIo(u.file, u.inputs, u.outputs, viewConditioned);
    const te = sessions.text_encoder;
    const textEncoder = te && !viewConditioned ? resolveTextEncoderIo(te.file, te.inputs, te.outputs) : undefined;
    const tokenizer = description.tokenizerDirs.tokenizer && textEncoder ? loadClipTokenizer(description.tokenizerDirs.tokenizer) : undefined;
    const enc = sessions.vae_encoder;
    const dec = sessions.vae_decoder;
    const vaeEncoder = enc ? resolveVaeIo(enc.file, enc.inputs, enc.outputs) : undefined;
    const vaeDecoder = dec ? resolveVaeIo(dec.file, dec.inputs, dec.outputs) : undefined;
    const latent = unet.sampleChannels !== 3 || Boolean(vaeDecoder);
    if (latent && !vaeDecoder) throw modelPackError(join(dir, 'vae_decoder', 'model.onnx'), `is missing (the UNet works on ${unet.sampleChannels}-channel latents)`);
    const imageSize =
      description.manifest.resolution ??
      (vaeDecoder ? fixedDim(vaeDecoder.output, 2) : fixedDim(unet.sample, 2)) ??
      (latent ? 512 : undefined);
    if (imageSize === undefined) throw modelPackError(u.file, 'has a dynamic image size; state it as "resolution" in kiln.json');
    const downsample = latent ? (vaeDecoder && fixedDim(vaeDecoder.output, 2) && fixedDim(vaeDecoder.input, 2) ? fixedDim(vaeDecoder.output, 2)! / fixedDim(vaeDecoder.input, 2)! : 8) : 1;
    const latentSize = fixedDim(unet.sample, 2) ?? imageSize / downsample;
    if (textEncoder && unet.encoderHiddenStates) {
      const width = fixedDim(unet.encoderHiddenStates, 2);
      const produced = fixedDim(textEncoder.hiddenStates, 2);
      if (width !== undefined && produced !== undefined && width !== produced) {
        throw modelPackError(u.file, `expects encoder_hidden_states of width ${width} but the text encoder produces ${produced}`);
      }
    }
    return {
      ...description,
      providers: choice.providers,
      warnings,
      sessions,
      tokenizer,
      unet,
      textEncoder,
      vaeEncoder,
      vaeDecoder,
      scalingFactor: latent ? readScalingFactor(description) : 1,
      latentShape: [unet.sampleChannels, latentSize, latentSize],
      imageSize,
    };
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.session.release()));
    throw err;
  }
}
