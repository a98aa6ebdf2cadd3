import { GraphBuilder, int, ints } from './graph-builder';
import { addAlphaBarLookup, addMixtureDenoiser, castIn, castOut, componentSquaredNorms, ONNX_TYPE, type MixtureSpec } from './denoiser-graph';
import type { GraphValue } from './onnx-model';
import { POSE_SIZE, poseEmbedding } from '../pose-embedding';

/** The demo view pack is trained with Zero-1-to-3's pose vector, the layout real packs most often use. */
export const DEMO_POSE_CONVENTION = 'zero123' as const;

export interface ViewSpec {
  /** Object index of each component. */
  componentObject: readonly number[];
  /** Orbit pose of each component's view (degrees; radius is the same for all). */
  componentView: readonly { elevationDeg: number; azimuthDeg: number }[];
  referenceSigma: number;
  poseSigma: number;
}

/**
 * View-conditioned UNet (Zero-1-to-3 style inputs): sample [B, 2C, h, w] = x_t ‖ reference latent, timestep, pose [B, 4]
 * in `DEMO_POSE_CONVENTION` → out_sample [B, C, h, w]. The weight of component k is Σ_j over components j of the same object of
 * exp(−‖ref − x_j‖²/2σ_r²)·exp(−‖pose − pose(j→k)‖²/2σ_p²): the views seen from the relative pose of any view that
 * looks like the reference. An all-zero reference (the unconditional row) drops the reference term.
 */
export function viewUnetGraph(spec: MixtureSpec, view: ViewSpec): GraphValue {
  const g = new GraphBuilder('kiln_demo_view_unet');
  const io = ONNX_TYPE[spec.ioType];
  const [C, h, w] = spec.sampleShape;
  const N = spec.count;
  const sample = g.input({ name: 'sample', dataType: io, shape: ['batch', 2 * C, h, w] });
  const timestep = g.input({ name: 'timestep', dataType: 'int64', shape: ['timestep_batch'] });
  const pose = castIn(g, g.input({ name: 'pose', dataType: io, shape: ['batch', POSE_SIZE] }), spec.ioType);
  const both = castIn(g, sample, spec.ioType);
  const axes = g.int64s([1]);
  const xt = g.op('Slice', [both, g.int64s([0]), g.int64s([C]), axes]);
  const reference = g.op('Reshape', [g.op('Slice', [both, g.int64s([C]), g.int64s([2 * C]), axes]), g.int64s([0, -1])]);

  const centres = g.floats(spec.centres, [N, C * h * w], 'reference_centres');
  const norms = g.floats(componentSquaredNorms(spec), [1, N], 'reference_centre_norms');
  const refDots = g.op('Gemm', [reference, centres], { transB: int(1) });
  const refLogits = g.op('Div', [g.op('Sub', [g.op('Mul', [refDots, g.scalar(2)]), norms]), g.scalar(2 * view.referenceSigma ** 2)]);
  const refEnergy = g.op('ReduceSum', [g.op('Mul', [reference, reference]), axes], { keepdims: int(1) });
  const gatedRefLogits = g.op('Mul', [refLogits, g.op('Sign', [refEnergy])]);

  // Pose term for every (j, k) pair: (2·pose·P_jk − ‖P_jk‖²)/2σ_p², minus a large constant across objects.
  const pairPoses = new Float32Array(POSE_SIZE * N * N);
  const pairBias = new Float32Array(N * N);
  const inv2s2 = 1 / (2 * view.poseSigma ** 2);
  for (let j = 0; j < N; j++) {
    for (let k = 0; k < N; k++) {
      const p = poseEmbedding(view.componentView[j]!, view.componentView[k]!, DEMO_POSE_CONVENTION);
      let norm = 0;
      p.forEach((value, d) => {
        pairPoses[d * N * N + j * N + k] = 2 * value * inv2s2;
        norm += value * value;
      });
      const sameObject = view.componentObject[j] === view.componentObject[k];
      pairBias[j * N + k] = -norm * inv2s2 + (sameObject ? 0 : -1e4);
    }
  }
  const poseLogits = g.op('Add', [
    g.op('MatMul', [pose, g.floats(pairPoses, [POSE_SIZE, N * N], 'pair_poses')]),
    g.floats(pairBias, [1, N * N], 'pair_bias'),
  ]);
  const pairs = g.op('Add', [g.op('Reshape', [poseLogits, g.int64s([0, N, N])]), g.op('Unsqueeze', [gatedRefLogits, g.int64s([2])])]);
  const logWeights = g.op('ReduceLogSumExp', [pairs], { axes: ints([1]), keepdims: int(0) });

  const x = g.op('Reshape', [xt, g.int64s([0, -1])]);
  const alphaBar = addAlphaBarLookup(g, spec.alphasCumprod, timestep);
  const eps = addMixtureDenoiser(spec, { g, x, alphaBar, logWeights });
  const out = g.op('Reshape', [eps, g.op('Shape', [xt])]);
  g.output(castOut(g, out, spec.ioType), { name: 'out_sample', dataType: io, shape: ['batch', C, h, w] });
  return g.build();
}
