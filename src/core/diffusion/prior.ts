import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Rng } from '../random/rng';
import { KilnError } from '../../shared/errors';
import type { TokenizedPrompt } from './clip-tokenizer';
import { ddimMove, ddimPath } from './ddim';
import { classifierFreeGuidance, perpNegGuidance } from './guidance';
import type { CameraDistribution, KilnManifest } from './kiln-manifest';
import { openModelPack, type OpenedPack } from './model-pack';
import type { VaeIo } from './pack-io';
import { latentMean } from './latent-distribution';
import { sdxlTimeIds } from './sdxl-conditioning';
import type { NoiseSchedule } from './noise-schedule';
import { epsilonFromV } from './prediction';
import type { ExecutionProviderName, SessionSettingsInput } from './session-settings';
import { floatTensor, indexTensor, readFloat } from './tensor-io';

type Ort = typeof OrtModule;

/** One conditioning row: a prompt's text-encoder hidden states, or a reference view for view-conditioned packs. */
export type ConditionRow =
  | {
      kind: 'text';
      hidden: Float32Array;
      shape: readonly [number, number];
      tokens?: TokenizedPrompt;
      /** SDXL: the second encoder's pooled text_embeds, fed to the UNet beside the hidden states. */
      pooled?: Float32Array;
    }
  /** `reference`: scaled latent C×h×w; `poses`: one [Δel, sin Δaz, cos Δaz, Δr] per image, or one for all. */
  | { kind: 'view'; reference: Float32Array; poses: readonly (readonly number[])[] };

export interface Conditioning {
  positive: ConditionRow;
  /** The unconditional row of CFG: the negative prompt ("" when none), or an empty reference for view packs. */
  negative: ConditionRow;
}

export interface Guidance {
  /** CFG scale s: ε̃ = ε_∅ + s·(ε_y − ε_∅). 1 runs the conditional row only. */
  scale: number;
  /** Perp-Neg: extra negative rows (e.g. other view prompts) removed orthogonally to ε_pos with these weights. */
  perpNeg?: { negatives: readonly ConditionRow[]; weights: readonly number[] };
}

/** One value for every image of a batch, or one per image (view-dependent prompts condition each view on its own). */
export type PerImage<T extends object> = T | readonly T[];

/** The value for image i of a batch of n (a single value serves them all). */
export function forImage<T extends object>(value: PerImage<T>, i: number, n: number): T {
  if (!Array.isArray(value)) return value as T;
  const list = value as readonly T[];
  if (list.length !== n) throw new Error(`per-image values: ${list.length} given for ${n} images`);
  return list[i]!;
}

export interface DdimOptions {
  /** DDIM moves between `from` and `to` (default: one per 20 timesteps). */
  moves?: number;
  eta?: number;
  rng?: Rng;
}

export interface SampleOptions {
  steps?: number;
  eta?: number;
  rng: Rng;
}

export type PriorKind = 'text-to-image' | 'view-conditioned';

/** The interface distillation methods call. Tensors are channels-first Float32Arrays of n stacked images. */
export interface Prior {
  readonly kind: PriorKind;
  readonly dir: string;
  /** [C, h, w] of the diffusion sample (the image shape for pixel packs). */
  readonly latentShape: readonly [number, number, number];
  readonly imageSize: number;
  readonly isLatent: boolean;
  readonly schedule: NoiseSchedule;
  readonly camera: CameraDistribution | undefined;
  readonly manifest: KilnManifest;
  readonly providers: readonly ExecutionProviderName[];
  readonly warnings: readonly string[];
  readonly pack: OpenedPack;
  encodeText(prompt: string, negativePrompt?: string): Promise<Conditioning>;
  /** Text hidden states of several prompts in one call (Perp-Neg rows, view prompts). */
  encodePrompts(prompts: readonly string[]): Promise<ConditionRow[]>;
  /** View packs: condition on a reference image (3×S×S in [−1, 1]) seen from the given relative poses. */
  conditionOnView(referenceImage: Float32Array, poses: readonly (readonly number[])[]): Promise<Conditioning>;
  /**
   * ε̂ for each of the n images in `x` at timestep t, with all guidance rows batched into one UNet call. `cond` and
   * `guidance` are one for all images or one per image (each image's rows follow its own prompt and Perp-Neg terms).
   */
  predictNoise(x: Float32Array, t: number, cond: PerImage<Conditioning>, guidance: PerImage<Guidance>): Promise<Float32Array>;
  /** Images (n×3×S×S in [−1, 1]) → scaled latents; identity for pixel packs. */
  encode(images: Float32Array): Promise<Float32Array>;
  /** Scaled latents → images in [−1, 1]; identity for pixel packs. */
  decode(latents: Float32Array): Promise<Float32Array>;
  /** Deterministic (η = 0) or stochastic DDIM from timestep `from` to `to` (either direction; −1 is the clean end). */
  ddim(x: Float32Array, from: number, to: number, cond: PerImage<Conditioning>, guidance: PerImage<Guidance>, options?: DdimOptions): Promise<Float32Array>;
  /** Samples n images' latents from pure noise along the scheduler's inference timesteps. */
  sample(n: number, cond: PerImage<Conditioning>, guidance: PerImage<Guidance>, options: SampleOptions): Promise<Float32Array>;
  close(): Promise<void>;
}

/** One text encoder's rows for a list of prompts. */
interface EncoderRows {
  hidden: Float32Array[];
  width: number;
  length: number;
  pooled?: Float32Array[];
  tokens: TokenizedPrompt[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class OnnxPrior implements Prior {
  readonly kind: PriorKind;
  readonly latentShape: readonly [number, number, number];
  readonly latentSize: number;

  private constructor(
    private readonly ort: Ort,
    readonly pack: OpenedPack,
  ) {
    this.kind = pack.manifest.kind;
    this.latentShape = pack.latentShape;
    this.latentSize = size(pack.latentShape);
  }

  static async open(dir: string, settings: SessionSettingsInput = {}): Promise<OnnxPrior> {
    const ort = await import('onnxruntime-node');
    return new OnnxPrior(ort, await openModelPack(dir, settings));
  }

  get dir() {
    return this.pack.dir;
  }
  get imageSize() {
    return this.pack.imageSize;
  }
  get isLatent() {
    return Boolean(this.pack.vaeDecoder);
  }
  get schedule() {
    return this.pack.schedule;
  }
  get camera() {
    return this.pack.manifest.camera;
  }
  get manifest() {
    return this.pack.manifest;
  }
  get providers() {
    return this.pack.providers;
  }
  get warnings() {
    return this.pack.warnings;
  }

  private count(x: Float32Array, per: number, what: string): number {
    if (x.length === 0 || x.length % per !== 0) throw new Error(`${what}: ${x.length} values is not a whole number of ${per}-value items`);
    return x.length / per;
  }

  /** One encoder's output rows for the prompts: hidden states (and pooled embeddings when it has them). */
  private async runTextEncoder(index: number, prompts: readonly string[]): Promise<EncoderRows> {
    const { textEncoders, tokenizers, sessions } = this.pack;
    const io = textEncoders[index]!;
    const tokenizer = tokenizers[index]!;
    const session = sessions[index === 0 ? 'text_encoder' : 'text_encoder_2']!.session;
    const tokens = prompts.map((p) => tokenizer.tokenize(p));
    const L = tokenizer.maxLength;
    const chunk = io.fixedBatch ?? tokens.length;
    const hidden: Float32Array[] = [];
    const pooled: Float32Array[] = [];
    let width = 0;
    for (let start = 0; start < tokens.length; start += chunk) {
      const part = tokens.slice(start, start + chunk);
      const ids = part.flatMap((t) => t.ids);
      while (ids.length < chunk * L) ids.push(...tokenizer.tokenize('').ids); // pad a fixed batch
      const feeds = { [io.inputIds.name]: indexTensor(this.ort, io.inputIds.type, ids, [chunk, L]) };
      const names = [io.hiddenStates.name, ...(io.pooled ? [io.pooled.name] : [])];
      const out = await session.run(feeds, names);
      const tensor = out[io.hiddenStates.name];
      const values = readFloat(tensor, 'text encoder');
      width = Number(tensor!.dims[2]);
      const per = L * width;
      part.forEach((_, i) => hidden.push(values.slice(i * per, (i + 1) * per)));
      if (io.pooled) {
        const p = readFloat(out[io.pooled.name], 'text encoder (pooled)');
        const pw = p.length / chunk;
        part.forEach((_, i) => pooled.push(p.slice(i * pw, (i + 1) * pw)));
      }
    }
    return { hidden, width, length: L, pooled: io.pooled ? pooled : undefined, tokens };
  }

  /**
   * Text conditioning rows. SDXL: each encoder's penultimate hidden states concatenated per token (768 ‖ 1280 =
   * 2048 wide) and the second encoder's pooled text_embeds; with force_zeros_for_empty_prompt an empty prompt is
   * all zeros, as diffusers conditions an absent negative prompt (docs/model-packs.md).
   */
  async encodePrompts(prompts: readonly string[]): Promise<ConditionRow[]> {
    const { textEncoders, sdxl } = this.pack;
    if (textEncoders.length === 0) throw new KilnError('invalid-request', `${this.dir} is a ${this.kind} pack; it takes a reference image, not a prompt`);
    const parts: EncoderRows[] = [];
    for (let e = 0; e < textEncoders.length; e++) parts.push(await this.runTextEncoder(e, prompts));
    const L = parts[0]!.length;
    const width = parts.reduce((w, p) => w + p.width, 0);
    return prompts.map((prompt, i) => {
      const zero = sdxl?.zerosForEmptyPrompt === true && prompt.trim() === '';
      const hidden = new Float32Array(L * width);
      const pooled = sdxl ? new Float32Array(sdxl.pooledWidth) : undefined;
      if (!zero) {
        let offset = 0;
        for (const part of parts) {
          const h = part.hidden[i]!;
          for (let t = 0; t < L; t++) hidden.set(h.subarray(t * part.width, (t + 1) * part.width), t * width + offset);
          offset += part.width;
        }
        if (pooled) pooled.set(parts[parts.length - 1]!.pooled![i]!);
      }
      return { kind: 'text', hidden, shape: [L, width] as const, tokens: parts[0]!.tokens[i], ...(pooled ? { pooled } : {}) };
    });
  }

  async encodeText(prompt: string, negativePrompt = ''): Promise<Conditioning> {
    const [positive, negative] = await this.encodePrompts([prompt, negativePrompt]);
    return { positive: positive!, negative: negative! };
  }

  async conditionOnView(referenceImage: Float32Array, poses: readonly (readonly number[])[]): Promise<Conditioning> {
    if (this.kind !== 'view-conditioned') throw new KilnError('invalid-request', `${this.dir} is a text-to-image pack; give it a prompt`);
    if (poses.some((p) => p.length !== 4)) throw new Error('conditionOnView: a pose is [Δelevation, sin Δazimuth, cos Δazimuth, Δradius]');
    const reference = await this.encode(referenceImage);
    return { positive: { kind: 'view', reference, poses }, negative: { kind: 'view', reference: new Float32Array(reference.length), poses: [[0, 0, 0, 0]] } };
  }

  /** Runs the UNet on rows (sample row i conditioned on rows[i]), chunked to a fixed batch when the model has one. */
  private async runUnet(xs: readonly Float32Array[], conds: readonly ConditionRow[], poseIndex: readonly number[], t: number): Promise<Float32Array[]> {
    const { unet, sessions } = this.pack;
    const n = xs.length;
    const chunk = unet.fixedBatch ?? n;
    const inChannels = unet.sample.shape[1] as number;
    const [, h, w] = this.latentShape;
    const rowIn = inChannels * h * w;
    const results: Float32Array[] = [];
    for (let start = 0; start < n; start += chunk) {
      const rowsHere = Math.min(chunk, n - start);
      // A single text-conditioned row is fed without copying (the common case of an unguided call).
      const direct = chunk === 1 && rowIn === this.latentSize && conds[start]!.kind === 'text';
      const sample = direct ? xs[start]! : new Float32Array(chunk * rowIn);
      const feeds: Record<string, Tensor> = {};
      let hidden: Float32Array | undefined;
      let hiddenShape: readonly [number, number] = [0, 0];
      let poses: Float32Array | undefined;
      const pooled = unet.textEmbeds ? new Float32Array(chunk * this.pack.sdxl!.pooledWidth) : undefined;
      for (let r = 0; r < rowsHere; r++) {
        const cond = conds[start + r]!;
        if (!direct) sample.set(xs[start + r]!, r * rowIn);
        if (cond.kind === 'text') {
          hiddenShape = cond.shape;
          if (pooled) {
            if (!cond.pooled) throw new Error('predictNoise: an SDXL UNet needs the pooled text embedding');
            pooled.set(cond.pooled, r * cond.pooled.length);
          }
          if (direct) {
            hidden = cond.hidden;
            continue;
          }
          hidden ??= new Float32Array(chunk * cond.hidden.length);
          hidden.set(cond.hidden, r * cond.hidden.length);
        } else {
          sample.set(cond.reference, r * rowIn + this.latentSize);
          poses ??= new Float32Array(chunk * 4);
          poses.set(cond.poses[Math.min(poseIndex[start + r]!, cond.poses.length - 1)]!, r * 4);
        }
      }
      feeds[unet.sample.name] = floatTensor(this.ort, unet.sample.type, sample, [chunk, inChannels, h, w]);
      const tShape = unet.timestep.shape;
      const tCount = tShape.length === 0 ? 1 : typeof tShape[0] === 'number' && tShape[0] > 0 ? tShape[0] : chunk;
      feeds[unet.timestep.name] = indexTensor(this.ort, unet.timestep.type, new Array<number>(tCount).fill(t), tShape.length === 0 ? [] : [tCount]);
      if (unet.encoderHiddenStates) {
        if (!hidden) throw new Error('predictNoise: this UNet needs text conditioning');
        feeds[unet.encoderHiddenStates.name] = floatTensor(this.ort, unet.encoderHiddenStates.type, hidden, [chunk, ...hiddenShape]);
      }
      if (unet.textEmbeds && unet.timeIds && pooled) {
        feeds[unet.textEmbeds.name] = floatTensor(this.ort, unet.textEmbeds.type, pooled, [chunk, this.pack.sdxl!.pooledWidth]);
        const ids = sdxlTimeIds(this.imageSize);
        const timeIds = new Float32Array(chunk * ids.length);
        for (let r = 0; r < chunk; r++) timeIds.set(ids, r * ids.length);
        feeds[unet.timeIds.name] = floatTensor(this.ort, unet.timeIds.type, timeIds, [chunk, ids.length]);
      }
      if (unet.pose) {
        if (!poses) throw new Error('predictNoise: this UNet needs a pose');
        feeds[unet.pose.name] = floatTensor(this.ort, unet.pose.type, poses, [chunk, 4]);
      }
      const out = await sessions.unet!.session.run(feeds, [unet.output.name]);
      const eps = readFloat(out[unet.output.name], 'UNet');
      for (let r = 0; r < rowsHere; r++) results.push(eps.subarray(r * this.latentSize, (r + 1) * this.latentSize));
    }
    if (this.schedule.config.prediction_type === 'v_prediction') {
      const a = this.schedule.alphaBar(t);
      return results.map((v, i) => epsilonFromV(xs[i]!, v, a));
    }
    return results;
  }

  async predictNoise(x: Float32Array, t: number, cond: PerImage<Conditioning>, guidance: PerImage<Guidance>): Promise<Float32Array> {
    const n = this.count(x, this.latentSize, 'predictNoise');
    // Rows of image i: its positive, its negative when guided, then its Perp-Neg negatives.
    const xs: Float32Array[] = [];
    const conds: ConditionRow[] = [];
    const poseIndex: number[] = [];
    const firstRow: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = forImage(cond, i, n);
      const g = forImage(guidance, i, n);
      const variants: ConditionRow[] = [c.positive];
      if (this.pack.cfg) {
        if (g.scale !== 1 || g.perpNeg !== undefined) variants.push(c.negative);
        for (const row of g.perpNeg?.negatives ?? []) variants.push(row);
      }
      firstRow.push(conds.length);
      const xi = x.subarray(i * this.latentSize, (i + 1) * this.latentSize);
      for (const v of variants) {
        xs.push(xi);
        conds.push(v);
        poseIndex.push(i);
      }
    }
    firstRow.push(conds.length);
    const eps = await this.runUnet(xs, conds, poseIndex, t);
    if (n === 1 && eps.length === 1) return eps[0]!;
    const out = new Float32Array(x.length);
    for (let i = 0; i < n; i++) {
      const g = forImage(guidance, i, n);
      const first = firstRow[i]!;
      const pos = eps[first]!;
      if (firstRow[i + 1]! - first === 1) {
        out.set(pos, i * this.latentSize);
      } else if (g.perpNeg) {
        const negatives = eps.slice(first + 2, firstRow[i + 1]!);
        out.set(perpNegGuidance(eps[first + 1]!, pos, negatives, g.perpNeg.weights, g.scale), i * this.latentSize);
      } else {
        classifierFreeGuidance(eps[first + 1]!, pos, g.scale, out, i * this.latentSize);
      }
    }
    return out;
  }

  private async runVae(io: VaeIo, session: InferenceSession, input: Float32Array, inShape: readonly number[]): Promise<Float32Array> {
    const n = this.count(input, size(inShape), 'VAE');
    const feeds = { [io.input.name]: floatTensor(this.ort, io.input.type, input, [n, ...inShape]) };
    const out = await session.run(feeds, [io.output.name]);
    return readFloat(out[io.output.name], 'VAE');
  }

  async encode(images: Float32Array): Promise<Float32Array> {
    const { vaeEncoder, sessions, scalingFactor } = this.pack;
    const S = this.imageSize;
    if (!this.isLatent) return Float32Array.from(images);
    if (!vaeEncoder) throw new KilnError('model-pack', `${this.dir} has no vae_encoder/model.onnx, so images cannot be encoded`);
    const raw = await this.runVae(vaeEncoder, sessions.vae_encoder!.session, images, [3, S, S]);
    const n = images.length / (3 * S * S);
    const perImage = raw.length / n;
    const expected = (vaeEncoder.layout === 'latent_parameters' ? 2 : 1) * this.latentSize;
    if (perImage !== expected) {
      const [, h, w] = this.latentShape;
      throw new KilnError('model-pack', `${sessions.vae_encoder!.file} output "${vaeEncoder.output.name}" gave ${perImage} values per image; ${vaeEncoder.layout} of a ${S}×${S} image should be ${expected / (h * w)}×${h}×${w}`);
    }
    return latentMean(raw, n, this.latentSize, vaeEncoder.layout === 'latent_parameters', scalingFactor);
  }

  async decode(latents: Float32Array): Promise<Float32Array> {
    const { vaeDecoder, sessions, scalingFactor } = this.pack;
    if (!vaeDecoder) return Float32Array.from(latents);
    return this.runVae(vaeDecoder, sessions.vae_decoder!.session, latents.map((v) => v / scalingFactor), this.latentShape);
  }

  async ddim(
    x: Float32Array,
    from: number,
    to: number,
    cond: PerImage<Conditioning>,
    guidance: PerImage<Guidance>,
    options: DdimOptions = {},
  ): Promise<Float32Array> {
    const moves = options.moves ?? Math.max(1, Math.round(Math.abs(to - from) / 20));
    const path = ddimPath(from, to, moves);
    let current = x;
    for (let i = 0; i + 1 < path.length; i++) {
      const q = path[i]!;
      const p = path[i + 1]!;
      // Inversion uses ε at the current (lower) timestep; t = −1 is never fed to the UNet.
      const eps = await this.predictNoise(current, Math.max(q, 0), cond, guidance);
      current = ddimMove(current, eps, this.schedule.alphaBar(q), this.schedule.alphaBar(p), options);
    }
    return current;
  }

  async sample(n: number, cond: PerImage<Conditioning>, guidance: PerImage<Guidance>, options: SampleOptions): Promise<Float32Array> {
    const timesteps = this.schedule.timesteps(options.steps ?? 50);
    let x: Float32Array = options.rng.fillNormal(new Float32Array(n * this.latentSize));
    for (let i = 0; i < timesteps.length; i++) {
      const t = timesteps[i]!;
      const next = timesteps[i + 1] ?? -1;
      const eps = await this.predictNoise(x, t, cond, guidance);
      x = ddimMove(x, eps, this.schedule.alphaBar(t), this.schedule.alphaBar(next), { eta: options.eta ?? 0, rng: options.rng });
    }
    return x;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.pack.sessions).map((s) => s.session.release()));
  }
}

export function openPrior(dir: string, settings: SessionSettingsInput = {}): Promise<Prior> {
  return OnnxPrior.open(dir, settings);
}
