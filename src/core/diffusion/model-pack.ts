import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { z } from 'zod';
import { loadClipTokenizer, type ClipTokenizer } from './clip-tokenizer';
import { chooseExecutionProviders, listBackends } from './execution-providers';
import { KilnManifest } from './kiln-manifest';
import { modelPackError } from './model-pack-error';
import { NoiseSchedule, REQUIRED_SCHEDULER_FIELDS, SchedulerConfig, withClassDefaults } from './noise-schedule';
import { readOnnxHeader, type OnnxHeader } from './onnx-header';
import { describeValues, fixedDim, type TensorInfo } from './onnx-metadata';
import { TextEncoderConfig, UnetConfig } from './pack-configs';
import { resolveTextEncoderIo, resolveUnetIo, TENSOR_ROLES, type TextEncoderIo, type UnetIo, type VaeIo } from './pack-io';
import { parseWith, readConfig, readJson } from './pack-json';
import { downsampleFactor, resolveVae, type VaeEncoderIo } from './pack-vae';
import { SessionSettings, type ExecutionProviderName, type SessionSettingsInput } from './session-settings';

export const PACK_COMPONENTS = ['text_encoder', 'text_encoder_2', 'unet', 'vae_encoder', 'vae_decoder'] as const;
export type PackComponent = (typeof PACK_COMPONENTS)[number];

/** SDXL's second text encoder and added conditioning, resolved and checked. */
export interface SdxlParts {
  /** Width of the pooled text_embeds the UNet takes (1280). */
  pooledWidth: number;
  /** time_ids per row (6: original size, crop top-left, target size). */
  timeIdCount: number;
  /** diffusers' force_zeros_for_empty_prompt: an empty (negative) prompt conditions with zeros, not encoded "". */
  zerosForEmptyPrompt: boolean;
}

/** What a folder says about itself, read and checked without onnxruntime (fast and synchronous). */
export interface PackDescription {
  dir: string;
  modelIndex: Record<string, unknown>;
  schedule: NoiseSchedule;
  manifest: KilnManifest;
  /** model.onnx per component present on disk. */
  onnxFiles: Partial<Record<PackComponent, string>>;
  /** Each model's declared inputs and outputs (onnx-header.ts). */
  headers: Partial<Record<PackComponent, OnnxHeader>>;
  tokenizerDirs: { tokenizer?: string; tokenizer_2?: string };
  isSdxl: boolean;
  sdxl?: SdxlParts;
  unet: UnetIo;
  /** One per text encoder, in order (two for SDXL); empty for view-conditioned packs. */
  textEncoders: TextEncoderIo[];
  /** One per text encoder (SDXL's tokenizer_2 pads differently). */
  tokenizers: ClipTokenizer[];
  vaeEncoder?: VaeEncoderIo;
  vaeDecoder?: VaeIo;
  /** Latent scaling factor (1 for pixel packs). */
  scalingFactor: number;
  latentShape: [number, number, number];
  imageSize: number;
  /** Whether the UNet's height and width axes are dynamic (it would accept other sizes; Kiln runs at imageSize). */
  dynamicSize: boolean;
  /** False for guidance-distilled packs (Turbo): guidance then runs the conditional row only. */
  cfg: boolean;
}

function readSchedule(dir: string, manifest: KilnManifest): NoiseSchedule {
  const path = join(dir, 'scheduler', 'scheduler_config.json');
  const raw = parseWith(path, z.record(z.string(), z.unknown()), readJson(path));
  const missing = REQUIRED_SCHEDULER_FIELDS.filter((f) => raw[f] === undefined || raw[f] === null);
  if (missing.length > 0) throw modelPackError(path, `lacks ${missing.join(', ')} (Kiln derives ᾱ_t from beta_start, beta_end and beta_schedule)`);
  if (Array.isArray(raw.trained_betas)) throw modelPackError(path, 'sets trained_betas; Kiln supports the linear, scaled_linear and squaredcos_cap_v2 beta schedules');
  const config = parseWith(path, SchedulerConfig, withClassDefaults(raw));
  return new NoiseSchedule(manifest.predictionType ? { ...config, prediction_type: manifest.predictionType } : config);
}

function checkTensorNames(path: string, manifest: KilnManifest): void {
  for (const [component, roles] of Object.entries(manifest.tensorNames ?? {})) {
    const known = (TENSOR_ROLES as Record<string, readonly string[]>)[component];
    if (!known) throw modelPackError(path, `tensorNames names component "${component}"; components are ${Object.keys(TENSOR_ROLES).join(', ')}`);
    const bad = Object.keys(roles).find((r) => !known.includes(r));
    if (bad) throw modelPackError(path, `tensorNames.${component} names role "${bad}"; ${component} roles are ${known.join(', ')}`);
  }
}

function readHeader(file: string): OnnxHeader {
  const header = readOnnxHeader(file);
  for (const location of header.externalFiles) {
    const path = join(dirname(file), location);
    if (!existsSync(path)) {
      throw modelPackError(file, `keeps its weights in the external data file "${location}", which is missing beside it (copy the whole ${basename(dirname(file))} folder)`);
    }
    const needed = header.externalBytes[location]!;
    const size = statSync(path).size;
    if (size < needed.bytes) {
      throw modelPackError(path, `is truncated: ${size} bytes, but ${basename(file)} needs ${needed.bytes} (its initializer "${needed.tensor}" ends there; download or copy it again)`);
    }
  }
  return header;
}

const widthOf = (info: TensorInfo, axis: number, configured?: number) => fixedDim(info, axis) ?? configured;

/** model_index.json names a component unless its entry is diffusers' [null, null] (a component the pipeline lacks). */
function listsComponent(modelIndex: Record<string, unknown>, component: string): boolean {
  const entry = modelIndex[component];
  return entry !== undefined && !(Array.isArray(entry) && entry.every((e) => e === null));
}

/**
 * SD 2.x's 768 UNet predicts v; its telltale config is a 96-latent UNet with 1024-wide cross-attention. Guidance-
 * distilled packs (trailing spacing: SD-Turbo) are exempt, as their scheduler config is the distillation's own.
 */
function checkPredictionType(dir: string, schedule: NoiseSchedule, manifest: KilnManifest, unetConfig: UnetConfig): void {
  if (manifest.predictionType || schedule.config.prediction_type !== 'epsilon' || schedule.config.timestep_spacing === 'trailing') return;
  if (unetConfig.sample_size === 96 && unetConfig.cross_attention_dim === 1024) {
    throw modelPackError(
      join(dir, 'scheduler', 'scheduler_config.json'),
      'says prediction_type "epsilon", but unet/config.json describes a Stable Diffusion 2.x 768 UNet (sample_size 96, cross_attention_dim 1024), which predicts v: set "prediction_type": "v_prediction" there, or "predictionType": "epsilon" in kiln.json if this UNet really predicts ε',
    );
  }
}

function resolveTextEncoders(dir: string, description: Pick<PackDescription, 'onnxFiles' | 'headers' | 'manifest'>, sdxl: boolean): TextEncoderIo[] {
  const components = sdxl ? (['text_encoder', 'text_encoder_2'] as const) : (['text_encoder'] as const);
  return components.map((component) => {
    const file = description.onnxFiles[component];
    if (!file) throw modelPackError(join(dir, component, 'model.onnx'), 'is missing (the UNet takes SDXL\'s text_embeds and time_ids, which need both text encoders)');
    return resolveTextEncoderIo(file, description.headers[component]!, description.manifest.tensorNames?.[component] ?? {}, sdxl);
  });
}

/** The SDXL checks: widths of both encoders against the UNet, the pooled embedding and the time ids. */
function checkSdxl(dir: string, unetFile: string, unet: UnetIo, encoders: TextEncoderIo[], modelIndex: Record<string, unknown>): SdxlParts {
  const second = encoders[1]!;
  const secondFile = join(dir, 'text_encoder_2', 'model.onnx');
  if (!second.pooled) throw modelPackError(secondFile, 'has no text_embeds output (the pooled, projected embedding SDXL\'s UNet takes)');
  const produced = widthOf(second.pooled, 1, readConfig(dir, 'text_encoder_2', TextEncoderConfig).projection_dim);
  const pooledWidth = fixedDim(unet.textEmbeds!, 1) ?? produced;
  if (pooledWidth === undefined) throw modelPackError(unetFile, `text_embeds input "${unet.textEmbeds!.name}" has no fixed width`);
  if (produced !== undefined && produced !== pooledWidth) {
    throw modelPackError(unetFile, `expects text_embeds of width ${pooledWidth} but text_encoder_2 produces ${produced}`);
  }
  const timeIdCount = fixedDim(unet.timeIds!, 1);
  if (timeIdCount !== 6) {
    throw modelPackError(
      unetFile,
      `time_ids input "${unet.timeIds!.name}" has width ${unet.timeIds!.shape[1]}; Kiln drives SDXL base UNets, which take 6 (original size, crop top-left, target size)${timeIdCount === 5 ? ' — 5 is the SDXL refiner, which is not a text-to-image model' : ''}`,
    );
  }
  return { pooledWidth, timeIdCount, zerosForEmptyPrompt: modelIndex.force_zeros_for_empty_prompt !== false };
}

/** The UNet's cross-attention width against what the text encoder(s) produce (SDXL: the two side by side). */
function checkHiddenWidth(dir: string, unetFile: string, unet: UnetIo, unetConfig: UnetConfig, textEncoders: readonly TextEncoderIo[]): void {
  if (!unet.encoderHiddenStates || textEncoders.length === 0) return;
  const expected = fixedDim(unet.encoderHiddenStates, 2) ?? unetConfig.cross_attention_dim;
  const parts = textEncoders.map((te, i) => widthOf(te.hiddenStates, 2, readConfig(dir, i === 0 ? 'text_encoder' : 'text_encoder_2', TextEncoderConfig).hidden_size));
  const produced = parts.every((p) => p !== undefined) ? parts.reduce((a, b) => a! + b!, 0) : undefined;
  if (expected !== undefined && produced !== undefined && expected !== produced) {
    const how = parts.length > 1 ? ` (${parts.join(' + ')} from the two text encoders)` : '';
    throw modelPackError(unetFile, `expects encoder_hidden_states "${unet.encoderHiddenStates.name}" of width ${expected} but the text encoder${parts.length > 1 ? 's produce' : ' produces'} ${produced}${how}`);
  }
}

/**
 * Reads and checks a pack: its JSON files, which ONNX files exist, and every model's declared inputs and outputs
 * against each other (widths, channels, the VAE layout, SDXL's extra inputs). Fails on the first problem with a
 * model-pack error naming the file, the tensor and what was expected — before any run is recorded.
 */
export function describePack(dir: string): PackDescription {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw modelPackError(dir, 'is not a folder');
  const indexPath = join(dir, 'model_index.json');
  if (!existsSync(indexPath)) throw modelPackError(indexPath, 'is missing: this is not a diffusers ONNX model folder');
  const modelIndex = parseWith(indexPath, z.record(z.string(), z.unknown()), readJson(indexPath));
  const manifestPath = join(dir, 'kiln.json');
  const manifest = existsSync(manifestPath) ? parseWith(manifestPath, KilnManifest, readJson(manifestPath)) : KilnManifest.parse({});
  checkTensorNames(manifestPath, manifest);
  const schedule = readSchedule(dir, manifest);
  const onnxFiles: PackDescription['onnxFiles'] = {};
  const headers: PackDescription['headers'] = {};
  for (const component of PACK_COMPONENTS) {
    const path = join(dir, component, 'model.onnx');
    if (existsSync(path)) onnxFiles[component] = path;
    else if (listsComponent(modelIndex, component)) throw modelPackError(path, `is missing (model_index.json lists ${component})`);
  }
  if (!onnxFiles.unet) throw modelPackError(join(dir, 'unet', 'model.onnx'), 'is missing');
  const tokenizerDirs: PackDescription['tokenizerDirs'] = {};
  for (const name of ['tokenizer', 'tokenizer_2'] as const) if (existsSync(join(dir, name))) tokenizerDirs[name] = join(dir, name);
  const viewConditioned = manifest.kind === 'view-conditioned';
  if (!viewConditioned) {
    if (!onnxFiles.text_encoder) throw modelPackError(join(dir, 'text_encoder', 'model.onnx'), 'is missing (a text-to-image pack needs a text encoder)');
    if (!tokenizerDirs.tokenizer) throw modelPackError(join(dir, 'tokenizer'), 'is missing (a text-to-image pack needs vocab.json and merges.txt)');
  }
  for (const [component, file] of Object.entries(onnxFiles) as [PackComponent, string][]) headers[component] = readHeader(file);

  const unetFile = onnxFiles.unet;
  const unetConfig = readConfig(dir, 'unet', UnetConfig);
  checkPredictionType(dir, schedule, manifest, unetConfig);
  const unet = resolveUnetIo(unetFile, headers.unet!, manifest.tensorNames?.unet ?? {}, viewConditioned);
  const isSdxl = Boolean(unet.textEmbeds);
  if (onnxFiles.text_encoder_2 && !isSdxl) {
    throw modelPackError(unetFile, 'has no text_embeds and time_ids inputs, but the pack has text_encoder_2 (an SDXL pack\'s UNet takes both)');
  }
  if (isSdxl && !tokenizerDirs.tokenizer_2) throw modelPackError(join(dir, 'tokenizer_2'), 'is missing (SDXL\'s second text encoder has its own tokenizer)');
  const textEncoders = viewConditioned ? [] : resolveTextEncoders(dir, { onnxFiles, headers, manifest }, isSdxl);
  const sdxl = isSdxl ? checkSdxl(dir, unetFile, unet, textEncoders, modelIndex) : undefined;
  const tokenizers = loadTokenizers(dir, tokenizerDirs, textEncoders);
  checkHiddenWidth(dir, unetFile, unet, unetConfig, textEncoders);

  const { vaeConfig, vaeDecoder, vaeEncoder, latent } = resolveVae(dir, { onnxFiles, headers, manifest }, unet, isSdxl);
  const downsample = latent ? downsampleFactor(vaeDecoder!, vaeConfig) : 1;
  const imageSize =
    manifest.resolution ??
    (vaeDecoder ? fixedDim(vaeDecoder.output, 2) : undefined) ??
    (fixedDim(unet.sample, 2) !== undefined ? fixedDim(unet.sample, 2)! * downsample : undefined) ??
    (unetConfig.sample_size !== undefined ? unetConfig.sample_size * downsample : undefined) ??
    vaeConfig.sample_size ??
    (latent ? 512 : undefined);
  if (imageSize === undefined) throw modelPackError(unetFile, 'has a dynamic image size; state it as "resolution" in kiln.json');
  if (imageSize % downsample !== 0) throw modelPackError(unetFile, `native size ${imageSize} is not a multiple of the VAE's ${downsample}× downsampling`);
  const latentSize = imageSize / downsample;
  const fixedLatent = fixedDim(unet.sample, 2);
  if (fixedLatent !== undefined && fixedLatent !== latentSize) {
    throw modelPackError(unetFile, `sample input "${unet.sample.name}" is fixed at ${fixedLatent}×${fixedLatent}, but the pack's size ${imageSize} needs ${latentSize}×${latentSize}`);
  }
  return {
    dir,
    modelIndex,
    schedule,
    manifest,
    onnxFiles,
    headers,
    tokenizerDirs,
    isSdxl,
    sdxl,
    unet,
    textEncoders,
    tokenizers,
    vaeEncoder,
    vaeDecoder,
    scalingFactor: latent ? (manifest.latentScaleFactor ?? vaeConfig.scaling_factor ?? SD_SCALING_FACTOR) : 1,
    latentShape: [unet.sampleChannels, latentSize, latentSize],
    imageSize,
    dynamicSize: fixedLatent === undefined,
    cfg: manifest.cfg ?? schedule.config.timestep_spacing !== 'trailing',
  };
}

/** Each text encoder's tokenizer, checked against the sequence length the encoder takes when that is fixed. */
function loadTokenizers(dir: string, dirs: PackDescription['tokenizerDirs'], encoders: readonly TextEncoderIo[]): ClipTokenizer[] {
  return encoders.map((io, i) => {
    const tokenizerDir = i === 0 ? dirs.tokenizer! : dirs.tokenizer_2!;
    const tokenizer = loadClipTokenizer(tokenizerDir);
    const length = fixedDim(io.inputIds, 1);
    if (length !== undefined && length !== tokenizer.maxLength) {
      throw modelPackError(join(dir, i === 0 ? 'text_encoder' : 'text_encoder_2', 'model.onnx'), `input "${io.inputIds.name}" takes ${length} tokens but ${tokenizerDir} gives ${tokenizer.maxLength}`);
    }
    return tokenizer;
  });
}

/** Stable Diffusion 1.x/2.x's latent scaling, what diffusers assumes when the config is silent. */
const SD_SCALING_FACTOR = 0.18215;

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

/** Checks a pack (describePack), then opens every ONNX file and its tokenizers. */
export async function openModelPack(dir: string, settingsInput: SessionSettingsInput = {}): Promise<OpenedPack> {
  const description = describePack(dir);
  const settings = SessionSettings.parse(settingsInput);
  const choice = chooseExecutionProviders(settings.executionProvider, await listBackends());
  const warnings = [...choice.warnings];
  if (!description.cfg) warnings.push('this pack is guidance-distilled (trailing timestep spacing or kiln.json "cfg": false): methods run without classifier-free guidance or Perp-Neg');
  const sessions: OpenedPack['sessions'] = {};
  try {
    for (const [component, file] of Object.entries(description.onnxFiles) as [PackComponent, string][]) {
      sessions[component] = await createSession(file, settings, choice.providers, warnings);
    }
    return { ...description, providers: choice.providers, warnings, sessions };
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.session.release()));
    throw err;
  }
}
