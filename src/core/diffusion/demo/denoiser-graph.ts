import { GraphBuilder, int } from './graph-builder';
import type { GraphValue, TensorDataTypeName } from './onnx-model';

/**
 * The exact denoiser of the Gaussian mixture x₀ ~ Σ_i w_i·N(x_i, σ_d²I) as an ONNX graph (docs/architecture.md, demo prior):
 * v_t = (1−ᾱ_t) + ᾱ_t σ_d², π_i ∝ w_i·exp(−‖x_t − √ᾱ_t x_i‖²/2v_t),
 * x̂₀ = Σ_i π_i (x_i + (σ_d²√ᾱ_t/v_t)(x_t − √ᾱ_t x_i)), ε̂ = (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t).
 * ‖x_t‖² is the same for every component, so the logits keep only 2√ᾱ x_t·x_i − ᾱ‖x_i‖² (better conditioned in fp32).
 */
export interface MixtureSpec {
  /** Component centres, N × D, row-major (D = C·H·W of the sample). */
  centres: Float32Array;
  count: number;
  sampleShape: readonly [number, number, number];
  alphasCumprod: Float64Array;
  sigmaData: number;
  /** Precision of the graph's float inputs and outputs (the maths inside is always float32). */
  ioType: 'float' | 'float16';
}

export interface MixtureInputs {
  g: GraphBuilder;
  /** x_t as [B, D] float32. */
  x: string;
  /** ᾱ_t as [Tb, 1] with Tb = 1 or B. */
  alphaBar: string;
  /** Log-weights of the components, [B, N] (or broadcastable). */
  logWeights: string;
}

export function componentSquaredNorms(spec: Pick<MixtureSpec, 'centres' | 'count'>): Float32Array {
  const D = spec.centres.length / spec.count;
  const out = new Float32Array(spec.count);
  for (let i = 0; i < spec.count; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += spec.centres[i * D + d]! ** 2;
    out[i] = s;
  }
  return out;
}

/** Adds the mixture denoiser to `g`; returns ε̂ as [B, D]. */
export function addMixtureDenoiser(spec: MixtureSpec, { g, x, alphaBar, logWeights }: MixtureInputs): string {
  const D = spec.sampleShape[0] * spec.sampleShape[1] * spec.sampleShape[2];
  const centres = g.floats(spec.centres, [spec.count, D], 'mixture_centres');
  const norms = g.floats(componentSquaredNorms(spec), [1, spec.count], 'mixture_centre_norms');
  const sigma2 = g.scalar(spec.sigmaData * spec.sigmaData);
  const one = g.scalar(1);
  const two = g.scalar(2);
  const sqrtA = g.op('Sqrt', [alphaBar]);
  const oneMinusA = g.op('Sub', [one, alphaBar]);
  const variance = g.op('Add', [oneMinusA, g.op('Mul', [alphaBar, sigma2])]);
  const dots = g.op('Gemm', [x, centres], { transB: int(1) });
  const numerator = g.op('Sub', [g.op('Mul', [dots, g.op('Mul', [sqrtA, two])]), g.op('Mul', [alphaBar, norms])]);
  const logits = g.op('Add', [g.op('Div', [numerator, g.op('Mul', [variance, two])]), logWeights]);
  const responsibilities = g.op('Softmax', [logits], { axis: int(-1) });
  const mean = g.op('MatMul', [responsibilities, centres]);
  const shrink = g.op('Div', [g.op('Mul', [sigma2, sqrtA]), variance]);
  const x0 = g.op('Add', [mean, g.op('Mul', [shrink, g.op('Sub', [x, g.op('Mul', [sqrtA, mean])])])]);
  return g.op('Div', [g.op('Sub', [x, g.op('Mul', [sqrtA, x0])]), g.op('Sqrt', [oneMinusA])]);
}

/** ᾱ_t looked up from a constant table by the timestep input, shaped [Tb, 1]. */
export function addAlphaBarLookup(g: GraphBuilder, alphasCumprod: Float64Array, timestep: string): string {
  const table = g.floats(Float32Array.from(alphasCumprod), [alphasCumprod.length], 'alphas_cumprod');
  return g.op('Unsqueeze', [g.op('Gather', [table, timestep], { axis: int(0) }), g.int64s([1])]);
}

export const ONNX_TYPE: Record<MixtureSpec['ioType'], TensorDataTypeName> = { float: 'float', float16: 'float16' };
const CAST_TO = { float: 1, float16: 10 } as const;

/** Casts a float-typed graph input to float32 for the maths (a no-op for float32 I/O). */
export function castIn(g: GraphBuilder, name: string, ioType: MixtureSpec['ioType']): string {
  return ioType === 'float' ? name : g.op('Cast', [name], { to: int(CAST_TO.float) });
}

export function castOut(g: GraphBuilder, name: string, ioType: MixtureSpec['ioType']): string {
  return ioType === 'float' ? name : g.op('Cast', [name], { to: int(CAST_TO.float16) });
}

/**
 * Text-conditioned UNet: sample [B, C, H, W], timestep [Tb] int64, encoder_hidden_states [B, L, W] (at every position:
 * log object weights, then log sector weights when the pack has view words) → out_sample [B, C, H, W] = ε̂.
 * Component i belongs to class (componentObject[i], componentSector[i]); its log-weight is the sum of the two parts.
 */
export function textUnetGraph(
  spec: MixtureSpec,
  classes: { componentObject: readonly number[]; objectCount: number; componentSector?: readonly number[]; sectorCount?: number },
  sequenceLength: number,
): GraphValue {
  const g = new GraphBuilder('kiln_demo_unet');
  const io = ONNX_TYPE[spec.ioType];
  const { componentObject, objectCount, componentSector } = classes;
  const width = objectCount + (componentSector ? (classes.sectorCount ?? 0) : 0);
  const sample = g.input({ name: 'sample', dataType: io, shape: ['batch', ...spec.sampleShape] });
  const timestep = g.input({ name: 'timestep', dataType: 'int64', shape: ['timestep_batch'] });
  const hidden = g.input({ name: 'encoder_hidden_states', dataType: io, shape: ['batch', sequenceLength, width] });
  const x = g.op('Reshape', [castIn(g, sample, spec.ioType), g.int64s([0, -1])]);
  const classLogWeights = g.op('Gather', [castIn(g, hidden, spec.ioType), g.int64s([0], [])], { axis: int(1) });
  let logWeights = g.op('Gather', [classLogWeights, g.int64s(componentObject)], { axis: int(1) });
  if (componentSector) {
    const sectorColumns = componentSector.map((v) => objectCount + v);
    logWeights = g.op('Add', [logWeights, g.op('Gather', [classLogWeights, g.int64s(sectorColumns)], { axis: int(1) })]);
  }
  const alphaBar = addAlphaBarLookup(g, spec.alphasCumprod, timestep);
  const eps = addMixtureDenoiser(spec, { g, x, alphaBar, logWeights });
  const out = g.op('Reshape', [eps, g.op('Shape', [sample])]);
  g.output(castOut(g, out, spec.ioType), { name: 'out_sample', dataType: io, shape: ['batch', ...spec.sampleShape] });
  return g.build();
}
