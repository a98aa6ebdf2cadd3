import type { Rng } from '../../random/rng';

export type FloatArray = Float32Array | Float64Array;

export interface DegradationNetShape {
  /** Channels in and out (the prior's sample channels). */
  channels: number;
  hidden: number;
  /** 3×3 conv layers, ≥ 2: channels → hidden → … → hidden → channels. */
  layers: number;
}

interface ConvLayer {
  cin: number;
  cout: number;
  /** Offsets into the flat parameter vector: weights [cout][cin][3][3], then biases [cout]. */
  weights: number;
  bias: number;
}

/** What the backward pass needs from a forward pass. */
interface Tape {
  n: number;
  h: number;
  w: number;
  /** Each layer's input, zero-padded to (h+2)×(w+2) per channel. */
  inputs: FloatArray[];
  /** Pre-activations of the hidden layers (all but the last). */
  pre: FloatArray[];
  output: FloatArray;
}

export interface LossAndGrad<A extends FloatArray> {
  output: A;
  /** Mean squared error over every value. */
  loss: number;
  dParams: A;
  /** ∂L/∂x, when asked for. */
  dInput?: A;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * out[b,o] (+)= bias[o] + Σ_i conv3×3(src[b,i], W[o,i]) over n images; `src` is zero-padded by one pixel on each
 * side, `dst` is not. The nine taps are unrolled so each output row is read and written once per input channel.
 */
function conv3x3(
  src: FloatArray,
  cin: number,
  dst: FloatArray,
  cout: number,
  weights: FloatArray,
  wOffset: number,
  bias: FloatArray | null,
  bOffset: number,
  n: number,
  h: number,
  w: number,
): void {
  const pw = w + 2;
  const padded = (h + 2) * pw;
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < cout; o++) {
      const out = (b * cout + o) * hw;
      dst.fill(bias ? bias[bOffset + o]! : 0, out, out + hw);
      for (let i = 0; i < cin; i++) {
        const k = wOffset + (o * cin + i) * 9;
        const w0 = weights[k]!, w1 = weights[k + 1]!, w2 = weights[k + 2]!;
        const w3 = weights[k + 3]!, w4 = weights[k + 4]!, w5 = weights[k + 5]!;
        const w6 = weights[k + 6]!, w7 = weights[k + 7]!, w8 = weights[k + 8]!;
        const base = (b * cin + i) * padded;
        for (let y = 0; y < h; y++) {
          const r0 = base + y * pw;
          const r1 = r0 + pw;
          const r2 = r1 + pw;
          const d = out + y * w;
          for (let x = 0; x < w; x++) {
            dst[d + x]! +=
              w0 * src[r0 + x]! + w1 * src[r0 + x + 1]! + w2 * src[r0 + x + 2]! +
              w3 * src[r1 + x]! + w4 * src[r1 + x + 1]! + w5 * src[r1 + x + 2]! +
              w6 * src[r2 + x]! + w7 * src[r2 + x + 1]! + w8 * src[r2 + x + 2]!;
          }
        }
      }
    }
  }
}

/** Copies n×c×h×w `src` into the interior of a zero-padded n×c×(h+2)×(w+2) buffer, mapping each value by `f`. */
function padInto(dst: FloatArray, src: FloatArray, nc: number, h: number, w: number, f?: (v: number) => number): void {
  const pw = w + 2;
  const padded = (h + 2) * pw;
  for (let p = 0; p < nc; p++)
    for (let y = 0; y < h; y++) {
      const s = p * h * w + y * w;
      const d = p * padded + (y + 1) * pw + 1;
      if (f) for (let x = 0; x < w; x++) dst[d + x] = f(src[s + x]!);
      else dst.set(src.subarray(s, s + w), d);
    }
}

/**
 * VDM's degradation operator M_ψ (DreamMapping): a small residual conv net over the prior's sample space,
 * M(x) = x + conv_L(SiLU(… SiLU(conv_1(x)))), with 3×3 'same' convolutions. Forward and backward are written out
 * over typed arrays; the array type (Float32Array to run, Float64Array for the gradient check) is chosen at
 * construction. All parameters live in one flat vector so Adam and save/restore treat them as one.
 */
export class DegradationNet<A extends FloatArray = Float32Array> {
  readonly params: A;
  private readonly convs: ConvLayer[] = [];

  constructor(
    readonly shape: DegradationNetShape,
    private readonly alloc: new (length: number) => A,
  ) {
    if (shape.layers < 2) throw new Error('DegradationNet: at least 2 layers');
    let offset = 0;
    for (let l = 0; l < shape.layers; l++) {
      const cin = l === 0 ? shape.channels : shape.hidden;
      const cout = l === shape.layers - 1 ? shape.channels : shape.hidden;
      this.convs.push({ cin, cout, weights: offset, bias: offset + cout * cin * 9 });
      offset += cout * cin * 9 + cout;
    }
    this.params = new alloc(offset);
  }

  get parameterCount(): number {
    return this.params.length;
  }

  /** He-normal weights, zero biases; the last layer scaled by `lastScale` (0: M starts as the identity). */
  initialise(rng: Rng, lastScale = 0): void {
    this.params.fill(0);
    this.convs.forEach((c, l) => {
      const std = Math.sqrt(2 / (9 * c.cin)) * (l === this.convs.length - 1 ? lastScale : 1);
      for (let k = 0; k < c.cout * c.cin * 9; k++) this.params[c.weights + k] = rng.normal() * std;
    });
  }

  forward(x: FloatArray, n: number, h: number, w: number): A {
    return this.run(x, n, h, w).output as A;
  }

  private run(x: FloatArray, n: number, h: number, w: number): Tape {
    const { channels } = this.shape;
    if (x.length !== n * channels * h * w) throw new Error(`DegradationNet: ${x.length} values is not ${n}×${channels}×${h}×${w}`);
    const padded = (h + 2) * (w + 2);
    const inputs: FloatArray[] = [];
    const pre: FloatArray[] = [];
    let input: FloatArray = new this.alloc(n * channels * padded);
    padInto(input, x, n * channels, h, w);
    let z: FloatArray = input;
    this.convs.forEach((c, l) => {
      inputs.push(input);
      z = new this.alloc(n * c.cout * h * w);
      conv3x3(input, c.cin, z, c.cout, this.params, c.weights, this.params, c.bias, n, h, w);
      if (l < this.convs.length - 1) {
        pre.push(z);
        input = new this.alloc(n * c.cout * padded);
        padInto(input, z, n * c.cout, h, w, (v) => v * sigmoid(v));
      }
    });
    for (let k = 0; k < x.length; k++) z[k]! += x[k]!;
    return { n, h, w, inputs, pre, output: z };
  }

  /** Gradients of the loss given ∂L/∂output: with respect to every parameter and to the input. */
  private backward(tape: Tape, dOutput: FloatArray, inputGradient: boolean): { dParams: A; dInput?: A } {
    const { n, h, w } = tape;
    const hw = h * w;
    const pw = w + 2;
    const padded = (h + 2) * pw;
    const dParams = new this.alloc(this.params.length);
    let dInput: A | undefined;
    let dz: FloatArray = dOutput;
    for (let l = this.convs.length - 1; l >= 0; l--) {
      const c = this.convs[l]!;
      const src = tape.inputs[l]!;
      for (let b = 0; b < n; b++)
        for (let o = 0; o < c.cout; o++) {
          const g = (b * c.cout + o) * hw;
          let db = 0;
          for (let p = 0; p < hw; p++) db += dz[g + p]!;
          dParams[c.bias + o]! += db;
          for (let i = 0; i < c.cin; i++) {
            const base = (b * c.cin + i) * padded;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
            for (let y = 0; y < h; y++) {
              const r0 = base + y * pw;
              const r1 = r0 + pw;
              const r2 = r1 + pw;
              const d = g + y * w;
              for (let x = 0; x < w; x++) {
                const e = dz[d + x]!;
                s0 += e * src[r0 + x]!; s1 += e * src[r0 + x + 1]!; s2 += e * src[r0 + x + 2]!;
                s3 += e * src[r1 + x]!; s4 += e * src[r1 + x + 1]!; s5 += e * src[r1 + x + 2]!;
                s6 += e * src[r2 + x]!; s7 += e * src[r2 + x + 1]!; s8 += e * src[r2 + x + 2]!;
              }
            }
            const k = c.weights + (o * c.cin + i) * 9;
            dParams[k]! += s0; dParams[k + 1]! += s1; dParams[k + 2]! += s2;
            dParams[k + 3]! += s3; dParams[k + 4]! += s4; dParams[k + 5]! += s5;
            dParams[k + 6]! += s6; dParams[k + 7]! += s7; dParams[k + 8]! += s8;
          }
        }
      if (l === 0 && !inputGradient) break;
      // ∂L/∂input of a 'same' 3×3 conv is the conv of the padded output gradient with the kernel transposed
      // (in ↔ out) and flipped (tap k ↔ 8 − k).
      const flipped = new this.alloc(c.cin * c.cout * 9);
      for (let o = 0; o < c.cout; o++)
        for (let i = 0; i < c.cin; i++)
          for (let k = 0; k < 9; k++) flipped[(i * c.cout + o) * 9 + 8 - k] = this.params[c.weights + (o * c.cin + i) * 9 + k]!;
      const dzPadded = new this.alloc(n * c.cout * padded);
      padInto(dzPadded, dz, n * c.cout, h, w);
      const dIn = new this.alloc(n * c.cin * hw);
      conv3x3(dzPadded, c.cout, dIn, c.cin, flipped, 0, null, 0, n, h, w);
      if (l === 0) {
        dInput = new this.alloc(dOutput.length);
        for (let k = 0; k < dIn.length; k++) dInput[k] = dOutput[k]! + dIn[k]!;
      } else {
        const z = tape.pre[l - 1]!;
        for (let k = 0; k < dIn.length; k++) {
          const s = sigmoid(z[k]!);
          dIn[k]! *= s * (1 + z[k]! * (1 - s));
        }
        dz = dIn;
      }
    }
    return { dParams, dInput };
  }

  /**
   * Forward, the mean squared error to `target`, and its gradients: M_ψ's loss L_op = ‖M_ψ(x) − target‖².
   * Training needs no input gradient; skipping it saves the first layer's transposed convolution.
   */
  lossAndGrad(x: FloatArray, target: FloatArray, n: number, h: number, w: number, inputGradient = true): LossAndGrad<A> {
    const tape = this.run(x, n, h, w);
    const output = tape.output;
    const dOutput = new this.alloc(output.length);
    let loss = 0;
    for (let k = 0; k < output.length; k++) {
      const r = output[k]! - target[k]!;
      loss += r * r;
      dOutput[k] = (2 * r) / output.length;
    }
    return { output: output as A, loss: loss / output.length, ...this.backward(tape, dOutput, inputGradient) };
  }
}
