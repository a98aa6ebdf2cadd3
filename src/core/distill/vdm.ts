import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { AdamSettings, adamStep } from '../optim/adam';
import type { GuidanceMethod, MethodDefinition } from './guidance';
import { DegradationNet } from './shared/degradation-net';
import { float32FromBase64, float32ToBase64 } from './shared/float32-base64';
import { noisedPrediction } from './shared/noised-prediction';
import { fromPriorSpace, GradientTransport, gradientToImages, predictX0, rms } from './shared/prior-space';
import { TimestepRange } from './shared/timesteps';
import { viewConditioner } from './shared/view-conditioning';
import { viewPromptSettings } from './shared/view-prompts';
import { weightAt, WeightKind } from './shared/weights';

/**
 * DreamMapping has no public code; defaults follow the paper. Its M_ψ is a ≈1M-parameter U-Lite; ours is a small
 * residual conv net (see DegradationNet) sized to stay within ≈20 ms per iteration on the CPU at 64².
 */
export const VdmSettings = z.object({
  cfgScale: z.number().default(7.5),
  /** t ~ U(0, T) (Algorithm 1). */
  timesteps: TimestepRange.default({ tRange: [0, 1], warmupFrom: null, warmupIterations: 0 }),
  /**
   * w(t) is not stated; the paper's code base is LucidDreamer with its loss replaced, whose w(t) is √((1−ᾱ)/ᾱ).
   */
  weight: WeightKind.default('sigma-ratio'),
  /** Distribution coefficient annealing; off keeps λ_t = 1 (the paper's "VDM without DCA" ablation). */
  dca: z.boolean().default(true),
  /** DCA's cut-off timestep: λ_t = 1 above it, 1 − ᾱ_t at or below it (Eq. 18; Algorithm 1 puts t = 300 above). */
  dcaCutoff: z.number().int().min(0).default(300),
  mappingLr: z.number().positive().default(0.01),
  mappingHidden: z.number().int().min(1).default(8),
  mappingLayers: z.number().int().min(2).default(3),
  transport: GradientTransport.default('decode-target'),
  /** View prompts on; Perp-Neg off (DreamMapping has no public code and the paper does not use it). */
  viewPrompts: viewPromptSettings(false),
});
export type VdmSettings = z.infer<typeof VdmSettings>;

/** DCA (Eq. 18): λ_t = 1 for t > cut-off, else 1 − ᾱ_t. */
export function dcaCoefficient(t: number, alphaBar: number, cutoff: number): number {
  return t > cutoff ? 1 : 1 - alphaBar;
}

/** M_ψ's optimiser: PyTorch's Adam defaults (the paper gives only the learning rate). */
const MAPPING_ADAM = AdamSettings.parse({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/** A float array of the saved state: base64 of its float32 bytes (number lists, the first format, still load). */
const SavedFloats = z.union([z.string(), z.array(z.number())]).transform((a, ctx) => {
  if (Array.isArray(a)) return Float32Array.from(a);
  try {
    return float32FromBase64(a);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const VdmState = z.object({
  kind: z.literal('vdm-mapping'),
  channels: z.number().int(),
  hidden: z.number().int(),
  layers: z.number().int(),
  /** Adam steps taken (its bias correction depends on it). */
  step: z.number().int().min(0),
  params: SavedFloats,
  m: SavedFloats,
  v: SavedFloats,
});
export type VdmState = z.input<typeof VdmState>;

/**
 * VDM + DCA (DreamMapping): the render is treated as a degraded diffusion output. A small network M_ψ, trained online
 * with L_op = ‖M_ψ(ε̂) − ε‖², maps the guided prediction ε̂ = ε̃(x_t, t, y) back toward the injected noise, and
 * g = w(t)·(ε̂ − λ_t·M_ψ(ε̂)). M_ψ's output in g is the one from before this iteration's update (Algorithm 1 computes
 * both losses, then updates ψ and θ).
 */
export const vdmMethod: MethodDefinition<typeof VdmSettings> = {
  name: 'vdm',
  title: 'VDM + DCA',
  summary: 'DreamMapping: learns the render-vs-diffusion degradation online with a small conv net; CFG 7.5, no UNet Jacobian.',
  settings: VdmSettings,
  create(ctx): GuidanceMethod {
    const { prior, settings, rng: initRng } = ctx;
    const views = viewConditioner(ctx, settings.viewPrompts);
    const [C, h, w] = prior.latentShape;
    const net = new DegradationNet({ channels: C, hidden: settings.mappingHidden, layers: settings.mappingLayers }, Float32Array);
    net.initialise(initRng);
    let m: Float32Array = new Float32Array(net.parameterCount);
    let v: Float32Array = new Float32Array(net.parameterCount);
    let adamStepCount = 0;
    return {
      name: 'vdm',
      async step({ images, views: seen, iteration, rng }) {
        const { z: z0, t, alphaBar, eps, xt, epsHat } = await noisedPrediction(
          prior, images, settings.timesteps, iteration, await views.forViews(seen, settings.cfgScale), rng,
        );
        const count = z0.length / (C * h * w);
        const { output: mapped, loss, dParams } = net.lossAndGrad(epsHat, eps, count, h, w, false);
        const lambda = settings.dca ? dcaCoefficient(t, alphaBar, settings.dcaCutoff) : 1;
        const wt = weightAt(settings.weight, alphaBar);
        const g = epsHat.map((e, k) => wt * (e - lambda * mapped[k]!));
        adamStep(net.params, dParams, m, v, settings.mappingLr, ++adamStepCount, MAPPING_ADAM);
        const dImages = await gradientToImages(prior, images, z0, g, settings.transport);
        const single = C * h * w;
        const x0Preview = await fromPriorSpace(prior, predictX0(xt.subarray(0, single), epsHat.subarray(0, single), alphaBar));
        return { dImages, t, terms: { vdm: rms(g), mappingLoss: loss, lambda }, x0Preview, unetCalls: 1 };
      },
      saveState(): VdmState {
        return {
          kind: 'vdm-mapping',
          ...net.shape,
          step: adamStepCount,
          params: float32ToBase64(net.params),
          m: float32ToBase64(m),
          v: float32ToBase64(v),
        };
      },
      loadState(raw: unknown): void {
        const parsed = VdmState.safeParse(raw);
        if (!parsed.success) throw new KilnError('invalid-request', `the saved VDM state is not readable (${parsed.error.message}); start the run afresh`);
        const state = parsed.data;
        const { channels, hidden, layers } = net.shape;
        const sized = [state.params, state.m, state.v].every((a) => a.length === net.parameterCount);
        if (state.channels !== channels || state.hidden !== hidden || state.layers !== layers || !sized) {
          throw new KilnError(
            'invalid-request',
            `the saved VDM mapping network is ${state.channels}→${state.hidden}×${state.layers} layers but this run's is ` +
              `${channels}→${hidden}×${layers}; resume with the settings it was saved with`,
          );
        }
        net.params.set(state.params);
        m = state.m;
        v = state.v;
        adamStepCount = state.step;
      },
    };
  },
};
