import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ClipTokenizer, preTokenize } from '../clip-tokenizer';
import { KilnManifest } from '../kiln-manifest';
import { alphasCumprod, betasFor, type SchedulerConfig } from '../noise-schedule';
import { buildVocabulary, mergesText } from './demo-vocabulary';
import { DEMO_BUILDER_VERSION, DemoPackParams, type DemoKind, type DemoPackParamsInput } from './demo-params';
import { textUnetGraph, type MixtureSpec } from './denoiser-graph';
import { encodePatches, LATENT_CHANNELS, PATCH, rgbLatentMatrices, vaeDecoderGraph, vaeEncoderGraph } from './linear-autoencoder';
import { DEMO_OBJECTS, NEUTRAL_WORDS } from './objects';
import { serializeModel, type GraphValue } from './onnx-model';
import { orbitCamera } from '../../scene/cameras/orbit';
import { withExclusiveBuild } from '../../store/exclusive-build';
import { renderObject } from './raycast';
import { textEncoderGraph } from './text-encoder-graph';
import { viewUnetGraph } from './view-unet-graph';
import { VIEW_SECTORS, viewSector } from '../view-sector';

/** SD 1.x's DDIM configuration: the demo prior shares Stable Diffusion's noise schedule. */
export const DEMO_SCHEDULER: SchedulerConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  prediction_type: 'epsilon',
  steps_offset: 1,
  timestep_spacing: 'leading',
  set_alpha_to_one: false,
};
const SEQUENCE_LENGTH = 77;

export interface DemoView {
  elevationDeg: number;
  azimuthDeg: number;
}

export function demoViews(params: DemoPackParams): DemoView[] {
  const views: DemoView[] = [];
  for (const elevationDeg of params.camera.elevationsDeg) {
    for (let azimuthDeg = 0; azimuthDeg < 360 - 1e-9; azimuthDeg += params.camera.azimuthStepDeg) views.push({ elevationDeg, azimuthDeg });
  }
  return views;
}

export function demoPackDir(home: string, kind: DemoKind): string {
  return join(home, 'models', `demo-${kind}`);
}

function paramsHash(params: DemoPackParams): string {
  return createHash('sha256').update(JSON.stringify({ version: DEMO_BUILDER_VERSION, params })).digest('hex').slice(0, 16);
}

/** The training images of the demo prior, object-major: 3×S×S in [−1, 1] each, concatenated. */
export function renderTrainingImages(params: DemoPackParams): Float32Array {
  const views = demoViews(params);
  const S = params.imageSize;
  const out = new Float32Array(DEMO_OBJECTS.length * views.length * 3 * S * S);
  let offset = 0;
  for (const object of DEMO_OBJECTS) {
    for (const view of views) {
      const camera = orbitCamera({ ...view, radiusM: params.camera.radiusM }, { fovYDeg: params.camera.fovYDeg, width: S, height: S });
      const image = renderObject(object, camera, params.samplesPerAxis);
      for (let i = 0; i < image.length; i++) out[offset + i] = image[i]! * 2 - 1;
      offset += image.length;
    }
  }
  return out;
}

/** The word a prompt adds after a sector's name ("front view"); it selects nothing by itself. */
export const VIEW_WORD = 'view';

/** Every word the demo text encoder has one token for. */
function demoWords(): string[] {
  return [...NEUTRAL_WORDS, ...DEMO_OBJECTS.flatMap((o) => o.words), ...VIEW_SECTORS, VIEW_WORD];
}

/** The demo packs' tokenizer without building a pack (what their tokenizer/ folder holds), for prompt checks. */
export function demoTokenizer(): ClipTokenizer {
  const { vocab, merges } = buildVocabulary(demoWords());
  return new ClipTokenizer(new Map(Object.entries(vocab)), merges, { maxLength: SEQUENCE_LENGTH });
}

/**
 * Token → class log-weights, columns [objects…, sectors…]: a word an object lacks costs it `mismatchPenalty`, a view
 * word ("front", "side", "back") costs the other sectors the same; unknown and neutral words cost nothing.
 */
function tokenClassLogits(vocab: Record<string, number>, params: DemoPackParams): Float32Array {
  const V = Object.keys(vocab).length;
  const O = DEMO_OBJECTS.length;
  const W = O + VIEW_SECTORS.length;
  const table = new Float32Array(V * W);
  const idOf = (word: string) => {
    const id = vocab[preTokenize(word)[0]! + '</w>'];
    if (id === undefined) throw new Error(`demo vocabulary lacks "${word}"`);
    return id;
  };
  const words = [...new Set(DEMO_OBJECTS.flatMap((o) => o.words))].sort();
  for (const word of words) {
    const id = idOf(word);
    DEMO_OBJECTS.forEach((object, o) => {
      if (!object.words.includes(word)) table[id * W + o] = -params.mismatchPenalty;
    });
  }
  for (const sector of VIEW_SECTORS) {
    const id = idOf(sector);
    VIEW_SECTORS.forEach((other, v) => {
      if (other !== sector) table[id * W + O + v] = -params.mismatchPenalty;
    });
  }
  return table;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Writes the pack into `dir` (which must not exist). Returns the files written, relative to `dir`. */
function writePack(dir: string, params: DemoPackParams): string[] {
  const files: string[] = [];
  const put = (rel: string, data: string | Uint8Array) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
    files.push(rel);
  };
  const onnx = (rel: string, graph: GraphValue, doc: string) =>
    put(rel, serializeModel({ graph, producerName: 'kiln-demo-prior', producerVersion: String(DEMO_BUILDER_VERSION), docString: doc }));

  const views = demoViews(params);
  const S = params.imageSize;
  const latent = params.kind !== 'pixel';
  const images = renderTrainingImages(params);
  const count = DEMO_OBJECTS.length * views.length;
  const h = S / PATCH;
  let centres = images;
  if (latent) {
    const perImage = 3 * S * S;
    centres = new Float32Array(count * LATENT_CHANNELS * h * h);
    for (let i = 0; i < count; i++) {
      const z = encodePatches(images.subarray(i * perImage, (i + 1) * perImage), S, S);
      for (let k = 0; k < z.length; k++) centres[i * z.length + k] = z[k]! * params.latentScalingFactor;
    }
  }
  const sigmaData = latent ? params.sigmaData * params.latentScalingFactor : params.sigmaData;
  const spec: MixtureSpec = {
    centres,
    count,
    sampleShape: latent ? [LATENT_CHANNELS, h, h] : [3, S, S],
    alphasCumprod: alphasCumprod(betasFor(DEMO_SCHEDULER)),
    sigmaData,
    ioType: params.ioType,
  };
  const componentObject = DEMO_OBJECTS.flatMap((_, o) => views.map(() => o));

  const components: Record<string, [string, string]> = { scheduler: ['diffusers', 'DDIMScheduler'], unet: ['diffusers', 'OnnxRuntimeModel'] };
  put('scheduler/scheduler_config.json', json({ _class_name: 'DDIMScheduler', ...DEMO_SCHEDULER, clip_sample: false }));
  if (params.kind === 'view') {
    onnx('unet/model.onnx', viewUnetGraph(spec, { componentObject, componentView: DEMO_OBJECTS.flatMap(() => views), referenceSigma: params.referenceSigma, poseSigma: params.poseSigma }), 'Kiln demo prior: view-conditioned exact mixture denoiser');
  } else {
    const { vocab, merges } = buildVocabulary(demoWords());
    put('tokenizer/vocab.json', json(vocab));
    put('tokenizer/merges.txt', mergesText(merges));
    put('tokenizer/tokenizer_config.json', json({ model_max_length: SEQUENCE_LENGTH, pad_token: '<|endoftext|>' }));
    const encoder = textEncoderGraph({
      tokenClassLogits: tokenClassLogits(vocab, params),
      vocabSize: Object.keys(vocab).length,
      objectCount: DEMO_OBJECTS.length,
      sectorCount: VIEW_SECTORS.length,
      sequenceLength: SEQUENCE_LENGTH,
    });
    onnx('text_encoder/model.onnx', encoder, 'Kiln demo prior: prompt → object and view-sector log-weights');
    const componentSector = DEMO_OBJECTS.flatMap(() => views.map((v) => VIEW_SECTORS.indexOf(viewSector(v.azimuthDeg, params.frontHalfWidthDeg))));
    const classes = { componentObject, objectCount: DEMO_OBJECTS.length, componentSector, sectorCount: VIEW_SECTORS.length };
    onnx('unet/model.onnx', textUnetGraph(spec, classes, SEQUENCE_LENGTH), 'Kiln demo prior: exact mixture denoiser over object × view-sector classes');
    components.text_encoder = ['diffusers', 'OnnxRuntimeModel'];
    components.tokenizer = ['transformers', 'CLIPTokenizer'];
  }
  if (latent) {
    const vaeConfig = json({ scaling_factor: params.latentScalingFactor, latent_channels: LATENT_CHANNELS, sample_size: S });
    onnx('vae_encoder/model.onnx', vaeEncoderGraph(S, params.ioType), 'Kiln demo prior: orthonormal 2×2-patch encoder');
    onnx('vae_decoder/model.onnx', vaeDecoderGraph(S, params.ioType), 'Kiln demo prior: transpose of the encoder');
    put('vae_encoder/config.json', vaeConfig);
    put('vae_decoder/config.json', vaeConfig);
    components.vae_encoder = ['diffusers', 'OnnxRuntimeModel'];
    components.vae_decoder = ['diffusers', 'OnnxRuntimeModel'];
  }
  put('model_index.json', json({ _class_name: 'OnnxStableDiffusionPipeline', _diffusers_version: '0.30.0', ...components }));
  const elevations = params.camera.elevationsDeg;
  const manifest: KilnManifest = {
    kind: params.kind === 'view' ? 'view-conditioned' : 'text-to-image',
    resolution: S,
    ...(latent ? { latentScaleFactor: params.latentScalingFactor, ...rgbLatentMatrices(params.latentScalingFactor) } : {}),
    camera: {
      radiusM: params.camera.radiusM,
      fovYDeg: params.camera.fovYDeg,
      elevationRangeDeg: [Math.min(...elevations), Math.max(...elevations)],
      azimuthRangeDeg: [0, 360],
      imageSize: S,
    },
    prompts: params.kind === 'view' ? [] : ['', 'a cube', ...DEMO_OBJECTS.map((o) => o.prompt)],
    demo: {
      builderVersion: DEMO_BUILDER_VERSION,
      paramsHash: paramsHash(params),
      sigmaData,
      objects: DEMO_OBJECTS.map(({ id, prompt }) => ({ id, prompt })),
      views,
      ...(params.kind === 'view'
        ? {}
        : { viewWords: { sectors: [...VIEW_SECTORS], suffixWord: VIEW_WORD, frontHalfWidthDeg: params.frontHalfWidthDeg } }),
    },
  };
  put('kiln.json', json(manifest));
  return files;
}

export interface BuiltDemoPack {
  dir: string;
  params: DemoPackParams;
  /** False when an existing pack with the same builder version and parameters was reused. */
  built: boolean;
  elapsedMs: number;
}

/** Builds a demo pack into `dir`, replacing whatever is there (written beside it, then renamed into place). */
export function buildDemoPack(dir: string, input: DemoPackParamsInput = {}): BuiltDemoPack {
  const start = performance.now();
  const params = DemoPackParams.parse(input);
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    writePack(staging, params);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir, params, built: true, elapsedMs: performance.now() - start };
}

/** True when `dir` holds a complete demo pack built by this builder version from these parameters. */
export function isDemoPackCurrent(dir: string, params: DemoPackParams): boolean {
  const path = join(dir, 'kiln.json');
  if (!existsSync(path)) return false;
  try {
    const manifest = KilnManifest.parse(JSON.parse(readFileSync(path, 'utf8')));
    return manifest.demo?.builderVersion === DEMO_BUILDER_VERSION && manifest.demo.paramsHash === paramsHash(params);
  } catch {
    return false; // a damaged manifest means the pack is rebuilt, which is the fix
  }
}

/** The demo pack of `kind` under KILN_HOME/models, built on first use and reused while current. */
export function ensureDemoPack(home: string, kind: DemoKind = 'pixel', overrides: Omit<DemoPackParamsInput, 'kind'> = {}): BuiltDemoPack {
  const params = DemoPackParams.parse({ ...overrides, kind });
  const dir = demoPackDir(home, kind);
  const current = { dir, params, built: false, elapsedMs: 0 };
  if (isDemoPackCurrent(dir, params)) return current;
  // Another process may be building it right now; wait for it rather than delete its work.
  return withExclusiveBuild(dir, () => (isDemoPackCurrent(dir, params) ? current : buildDemoPack(dir, params)));
}
