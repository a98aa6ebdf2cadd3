import { z } from 'zod';
import type { Conditioning, Guidance, PerImage, Prior } from '../diffusion/prior';
import type { GuidanceMethod, MethodDefinition, TextTeacher, ViewInfo } from './guidance';
import { dropImages, JanusDropout, janusKeep } from './shared/janus-dropout';
import { addNoise, fromPriorSpace, GradientTransport, gradientToImages, predictX0, rms, toPriorSpace } from './shared/prior-space';
import { ReferenceSupervision } from './shared/reference-losses';
import { DtcCurriculum, sampleDtcTimestep, toStep } from './shared/timesteps';
import { viewConditioner } from './shared/view-conditioning';
import { viewPromptSettings } from './shared/view-prompts';
import { weightAt, WeightKind } from './shared/weights';
import type { Rng } from '../random/rng';

/**
 * DTC123 (docs/dtc123.md). The student's coarse-to-fine half (Gaussians then a DMTet grid 32 → 64 → 128) is the
 * `dtc` preset's stages; this is the teacher's half and the reference view's weights.
 */
export const DtcSettings = z.object({
  /** Zero-1-to-3 XL's guidance scale in both stages (paper, §5: cfg = 5). */
  cfgScale: z.number().min(0).default(5),
  curriculum: DtcCurriculum.prefault({}),
  /** The annealed curriculum; off draws t uniformly over [tMin, tMax] every iteration (the "curriculum off" ablation). */
  annealed: z.boolean().default(true),
  /** w(t) = 1 − ᾱ_t, threestudio's zero123 guidance (the paper's code base); the paper's footnote 2 is not modelled. */
  weight: WeightKind.default('one-minus-alpha-bar'),
  transport: GradientTransport.default('decode-target'),
  janus: JanusDropout.prefault({}),
  /**
   * "A few" DDIM steps instead of single-step x̂₀ "in the last few iterations" (paper, §4.3; neither number is given):
   * from this fraction of the run on, x̂₀ comes from `moves` deterministic DDIM moves from t to the clean end.
   */
  finalDdim: z.object({ fromProgress: z.number().min(0).max(1).default(0.9), moves: z.number().int().min(1).max(50).default(4) }).prefault({}),
  /**
   * The text teacher for colour (paper, §4.3, Eq. 4), used when the run has a text pack and a caption: Stable
   * Diffusion at cfg 25 (paper, §5), its weight λ rising from 0 at t = `fromT` to `weightMax` at t_min (the paper: λ
   * "gradually increase[s] with the reducing time-step"; neither end is given).
   */
  textTeacher: z
    .object({ cfgScale: z.number().min(0).default(25), fromT: z.number().min(0).max(1).default(0.5), weightMax: z.number().min(0).default(1) })
    .prefault({}),
  /** With a text prior (no reference image), the prompt's view words as other methods use them. */
  viewPrompts: viewPromptSettings(false),
  reference: ReferenceSupervision.prefault({}),
});
export type DtcSettings = z.infer<typeof DtcSettings>;

/** The text teacher's λ at t (fractions of T): 0 above `fromT`, rising linearly to `weightMax` at the curriculum's t_min. */
export function textTeacherWeight(s: DtcSettings, tFraction: number): number {
  const { fromT, weightMax } = s.textTeacher;
  const span = fromT - s.curriculum.tMin;
  if (span <= 0) return tFraction <= fromT ? weightMax : 0;
  return weightMax * Math.min(1, Math.max(0, (fromT - tFraction) / span));
}

/** The score difference's stand-in from x̂₀: ε̂ − ε = √ᾱ·(z − x̂₀)/√(1 − ᾱ). */
function scoreFromX0(z: Float32Array, x0: Float32Array, alphaBar: number): Float32Array {
  const k = Math.sqrt(alphaBar / (1 - alphaBar));
  return z.map((v, i) => k * (v - x0[i]!));
}

interface TeacherCall {
  prior: Prior;
  cond: PerImage<Conditioning>;
  guidance: PerImage<Guidance>;
  t: number;
  multiStep: number | null;
}

/** One teacher's w(t)·(ε̂ − ε) on the renders (x̂₀ by DDIM when `multiStep`), its x̂₀ and its UNet calls. */
async function teacherGradient(images: Float32Array, call: TeacherCall, weight: WeightKind, rng: Rng) {
  const { prior, t } = call;
  const z = await toPriorSpace(prior, images);
  const alphaBar = prior.schedule.alphaBar(t);
  const eps = rng.fillNormal(new Float32Array(z.length));
  const xt = addNoise(z, eps, alphaBar);
  const w = weightAt(weight, alphaBar);
  if (call.multiStep !== null) {
    const x0 = await prior.ddim(xt, t, -1, call.cond, call.guidance, { moves: call.multiStep });
    return { z, g: scoreFromX0(z, x0, alphaBar).map((v) => w * v), x0, unetCalls: call.multiStep };
  }
  const epsHat = await prior.predictNoise(xt, t, call.cond, call.guidance);
  return { z, g: epsHat.map((e, k) => w * (e - eps[k]!)), x0: predictX0(xt, epsHat, alphaBar), unetCalls: 1 };
}

function referenceAzimuth(ctx: { referenceCamera?: { azimuthDeg: number } }): number {
  return ctx.referenceCamera?.azimuthDeg ?? 0;
}

/** DTC123: annealed time-step curriculum, view-conditioned teacher, Janus de-biasing, a text teacher at small t. */
export const dtcMethod: MethodDefinition<typeof DtcSettings> = {
  name: 'dtc',
  title: 'DTC123',
  summary: 'Diffusion time-step curriculum (DTC123) for image → 3D: annealed t, reference-view losses, Janus de-biasing.',
  settings: DtcSettings,
  imageToThreeD: true,
  // λ is "0 in the first stage" (paper, Eq. 4): the text teacher joins in the mesh stage (docs/dtc123.md#teacher).
  textTeacherIn: ['dmtet'],
  create(ctx): GuidanceMethod {
    const { prior, settings: s } = ctx;
    const views = viewConditioner(ctx, s.viewPrompts);
    const T = prior.schedule.trainTimesteps;
    const refAz = referenceAzimuth(ctx);
    const text: TextTeacher | undefined = ctx.textTeacher;
    const timestep = (iteration: number, total: number, rng: Rng) =>
      s.annealed ? sampleDtcTimestep(s.curriculum, iteration, total, T, rng) : rng.int(toStep(s.curriculum.tMin, T), toStep(s.curriculum.tMax, T));
    return {
      name: 'dtc',
      referenceSupervision: s.reference,
      // The curriculum spans the run: t keeps falling from the Gaussian stage into the mesh stage (paper, §4.2).
      async step({ images, views: seen, iteration, totalIterations, run = { iteration, totalIterations }, rng }) {
        const t = timestep(run.iteration, run.totalIterations, rng);
        const multiStep = run.iteration >= s.finalDdim.fromProgress * run.totalIterations ? s.finalDdim.moves : null;
        const { cond, guidance } = await views.forViews(seen, s.cfgScale);
        const geo = await teacherGradient(images, { prior, cond, guidance, t, multiStep }, s.weight, rng);
        const azimuths = seen.map((v: ViewInfo) => v.azimuthDeg);
        dropImages(geo.g, janusKeep(azimuths, refAz, s.janus, s.janus.viewWindowDeg, rng), geo.g.length / seen.length);
        const dImages = await gradientToImages(prior, images, geo.z, geo.g, s.transport);
        const terms: Record<string, number> = { dtc: rms(geo.g) };
        let unetCalls = geo.unetCalls;
        const lambda = text ? textTeacherWeight(s, t / T) : 0;
        if (text && lambda > 0) {
          const tText = toStep(t / T, text.prior.schedule.trainTimesteps);
          const tex = await teacherGradient(images, { prior: text.prior, cond: text.conditioning, guidance: { scale: s.textTeacher.cfgScale }, t: tText, multiStep: null }, s.weight, rng);
          dropImages(tex.g, janusKeep(azimuths, refAz, s.janus, s.janus.textWindowDeg, rng), tex.g.length / seen.length);
          const dText = await gradientToImages(text.prior, images, tex.z, tex.g, s.transport);
          for (let k = 0; k < dImages.length; k++) dImages[k]! += lambda * dText[k]!;
          terms.text = lambda * rms(tex.g);
          unetCalls += tex.unetCalls;
        }
        const single = geo.z.length / seen.length;
        const x0Preview = await fromPriorSpace(prior, geo.x0.subarray(0, single));
        return { dImages, t, terms, x0Preview, unetCalls };
      },
    };
  },
};
