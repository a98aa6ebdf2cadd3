import { z } from 'zod';
import { KilnError } from '../../../shared/errors';
import { demoObject } from '../../diffusion/demo/objects';
import type { Prior } from '../../diffusion/prior';
import { OrbitSamplerSettings } from '../../scene/cameras/orbit-sampler';
import type { Representation } from '../../scene/representation';
import { GaussianTrainingSettings } from '../../scene/gaussians/training-settings';
import { parseMethodSettings } from '../../distill/registry';
import { ResolvedStage } from '../run-config';
import { runStage } from '../stage-runner';
import { openStage } from '../stage-session';
import { contactSheet } from './contact-sheet';
import { GuidanceWindow, isCurveIteration, type Curve, type CurvePoint } from './learning-curves';
import { DEMO_BACKGROUND, groundTruthViews, mse, objectsForPrompt, psnr, silhouetteIou, type GroundTruthView } from './ground-truth';
import { HELD_OUT_AZIMUTH_OFFSET_DEG, heldOutOrbit } from './held-out-views';
import type { Camera } from '../../scene/cameras/camera';

export const MethodBenchSettings = z.object({
  methods: z.array(z.string()).min(1),
  /** Demo object ids to reconstruct, each from its own prompt. */
  objects: z.array(z.string()).min(1).default(['snowman', 'mug']),
  /** An ambiguous prompt (several objects answer it): does the method commit to one or average them? */
  ambiguousPrompt: z.string().nullable().default('a cube'),
  iterations: z.number().int().positive().default(800),
  batchSize: z.number().int().positive().default(2),
  seed: z.number().int().default(1),
  heldOutViews: z.number().int().min(1).default(8),
  initialGaussians: z.number().int().positive().default(2000),
  /** Held-out PSNR/IoU every this many iterations, for the learning curves (0: only at the end). */
  curveEvery: z.number().int().min(0).default(50),
  threads: z.number().int().positive().default(2),
  /** Per-method setting overrides for analysis (e.g. { sds: { cfgScale: 7.5 } }); defaults are the authors'. */
  methodSettings: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});
export type MethodBenchSettings = z.infer<typeof MethodBenchSettings>;

/** One 3DGS configuration for every method, so only the guidance differs. */
export const BENCH_TRAINING = {
  positionLrInit: 1.6e-3,
  positionLrFinal: 1.6e-5,
  densifyFrom: 100,
  densifyUntil: 500,
  densifyInterval: 100,
  opacityResetInterval: 0,
  shDegreeInterval: 400,
} as const;

export interface MethodBenchRow {
  method: string;
  object: string;
  prompt: string;
  psnr: number;
  iou: number;
  /** The held-out views one by one (PSNR, IoU at each azimuth), to see which sides a method gets wrong. */
  views: { azimuthDeg: number; psnr: number; iou: number }[];
  wallSeconds: number;
  unetCallsPerIteration: number;
  gaussians: number;
}

export interface AmbiguityRow {
  method: string;
  prompt: string;
  /** Mean squared error to the closest single variant, and to the mean of all variants, over held-out views. */
  toNearestVariant: number;
  toVariantMean: number;
  nearestVariant: string;
  commits: boolean;
}


const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface HeldOutScore {
  renders: Float32Array[];
  alphas: Float32Array[];
  psnr: number;
  iou: number;
  perView: { psnr: number; iou: number }[];
}

function scoreHeldOut(representation: Representation, views: GroundTruthView[]): HeldOutScore {
  const renders: Float32Array[] = [];
  const alphas: Float32Array[] = [];
  for (const v of views) {
    const out = representation.render([v.camera], DEMO_BACKGROUND);
    renders.push(out.rgb);
    alphas.push(out.alpha);
  }
  const perView = views.map((v, k) => ({ psnr: psnr(renders[k]!, v.image), iou: silhouetteIou(alphas[k]!, v.coverage) }));
  return { renders, alphas, psnr: mean(perView.map((v) => v.psnr)), iou: mean(perView.map((v) => v.iou)), perView };
}

interface RunOutcome extends HeldOutScore {
  curve: CurvePoint[];
  wallSeconds: number;
  unetCalls: number;
  gaussians: number;
}

async function distil(
  prior: Prior,
  methodName: string,
  prompt: string,
  views: GroundTruthView[],
  s: MethodBenchSettings,
  curveEvery = s.curveEvery,
): Promise<RunOutcome> {
  const cam = prior.camera;
  if (!cam) throw new Error(`${prior.dir} has no camera distribution in kiln.json; the method benchmark needs one`);
  // One Gaussian stage, opened as generation opens its stages (same RNG streams from the seed).
  const stage = openStage({
    prior,
    conditioning: await prior.encodeText(prompt),
    prompt,
    seed: s.seed,
    index: 0,
    stage: ResolvedStage.parse({
      representation: 'gaussians',
      method: methodName,
      methodSettings: parseMethodSettings(methodName, s.methodSettings[methodName]) as Record<string, unknown>,
      iterations: s.iterations,
      batchSize: s.batchSize,
      snapshotEvery: s.iterations,
      settings: { initialGaussians: s.initialGaussians, shDegreeMax: 1, training: GaussianTrainingSettings.parse(BENCH_TRAINING) },
    }),
    threads: s.threads,
  });
  const sampler = OrbitSamplerSettings.parse({
    radiusM: [cam.radiusM, cam.radiusM],
    fovYDeg: [cam.fovYDeg, cam.fovYDeg],
    elevationDeg: cam.elevationRangeDeg,
    azimuthDeg: cam.azimuthRangeDeg,
    width: cam.imageSize,
    height: cam.imageSize,
  });
  const { representation } = stage;
  let unetCalls = 0;
  let scoringMs = 0;
  const curve: CurvePoint[] = [];
  const guidance = new GuidanceWindow();
  const start = performance.now();
  await runStage(stage, {
    sampler,
    background: DEMO_BACKGROUND,
    onIteration: ({ iteration, result, size }) => {
      unetCalls += result.unetCalls;
      guidance.add(result.t, result.terms);
      if (!isCurveIteration(iteration, s.iterations, curveEvery)) return;
      const scoringStart = performance.now();
      const { psnr, iou } = scoreHeldOut(representation, views);
      curve.push({ iteration, psnr, iou, ...guidance.take(), gaussians: size });
      scoringMs += performance.now() - scoringStart;
    },
  });
  const wallSeconds = (performance.now() - start - scoringMs) / 1000;
  return { ...scoreHeldOut(representation, views), curve, wallSeconds, unetCalls: unetCalls / s.iterations, gaussians: representation.size };
}

export interface MethodBenchResult {
  rows: MethodBenchRow[];
  ambiguity: AmbiguityRow[];
  curves: Curve[];
  sheet: { image: Float32Array; width: number; height: number; rowLabels: string[] };
  markdown: string;
}

/**
 * Distils each method on each demo object (same seed, 3DGS settings and budget) and scores held-out views against
 * the object's ground-truth renders; for an ambiguous prompt, measures whether the result commits to one variant.
 */
export async function runMethodBenchmark(
  prior: Prior,
  s: MethodBenchSettings,
  onProgress: (line: string) => void = () => {},
): Promise<MethodBenchResult> {
  // Every method and its settings are checked before the first one spends minutes distilling.
  for (const method of s.methods) parseMethodSettings(method, s.methodSettings[method]);
  for (const method of Object.keys(s.methodSettings)) {
    if (!s.methods.includes(method)) throw new KilnError('invalid-request', `settings given for ${method}, which is not among the benchmarked methods (${s.methods.join(', ')})`);
  }
  const cam = prior.camera!;
  const S = cam.imageSize;
  const cameras = heldOutOrbit(cam, s.heldOutViews);
  const shown = Math.min(4, s.heldOutViews);
  const rows: MethodBenchRow[] = [];
  const curves: Curve[] = [];
  const ambiguity: AmbiguityRow[] = [];
  const truth = new Map(s.objects.map((id) => [id, groundTruthViews(demoObject(id), cameras)]));
  const sheetRows: Float32Array[][] = [s.objects.flatMap((id) => truth.get(id)!.slice(0, shown).map((v) => v.image))];
  const rowLabels = ['ground truth'];
  for (const method of s.methods) {
    const tiles: Float32Array[] = [];
    for (const id of s.objects) {
      const object = demoObject(id);
      const views = truth.get(id)!;
      const run = await distil(prior, method, object.prompt, views, s);
      const row: MethodBenchRow = {
        method,
        object: id,
        prompt: object.prompt,
        psnr: run.psnr,
        iou: run.iou,
        views: run.perView.map((v, k) => ({ azimuthDeg: HELD_OUT_AZIMUTH_OFFSET_DEG + (360 * k) / s.heldOutViews, ...v })),
        wallSeconds: run.wallSeconds,
        unetCallsPerIteration: run.unetCalls,
        gaussians: run.gaussians,
      };
      rows.push(row);
      curves.push({ method, object: id, points: run.curve });
      tiles.push(...run.renders.slice(0, shown));
      onProgress(`${method} ${id}: PSNR ${row.psnr.toFixed(2)} dB, IoU ${row.iou.toFixed(3)}, ${row.wallSeconds.toFixed(1)} s`);
    }
    if (s.ambiguousPrompt) ambiguity.push(await measureAmbiguity(prior, method, s.ambiguousPrompt, cameras, s, onProgress));
    sheetRows.push(tiles);
    rowLabels.push(method);
  }
  const sheet = { ...contactSheet(sheetRows, S), rowLabels };
  return { rows, ambiguity, curves, sheet, markdown: markdownReport(rows, ambiguity, curves, s) };
}

async function measureAmbiguity(
  prior: Prior,
  method: string,
  prompt: string,
  cameras: readonly Camera[],
  s: MethodBenchSettings,
  onProgress: (line: string) => void,
): Promise<AmbiguityRow> {
  const variants = objectsForPrompt(prompt);
  if (variants.length < 2) throw new Error(`"${prompt}" names ${variants.length} demo object(s); an ambiguous prompt needs several`);
  const views = variants.map((o) => groundTruthViews(o, cameras));
  const run = await distil(prior, method, prompt, views[0]!, s, 0);
  const perVariant = views.map((vs) => mean(vs.map((v, k) => mse(run.renders[k]!, v.image))));
  const meanImages = cameras.map((_, k) => views[0]![k]!.image.map((_, p) => mean(views.map((vs) => vs[k]!.image[p]!))));
  const toVariantMean = mean(meanImages.map((m, k) => mse(run.renders[k]!, m)));
  const best = perVariant.indexOf(Math.min(...perVariant));
  const row: AmbiguityRow = {
    method,
    prompt,
    toNearestVariant: perVariant[best]!,
    toVariantMean,
    nearestVariant: variants[best]!.id,
    commits: perVariant[best]! < toVariantMean,
  };
  onProgress(`${method} "${prompt}": nearest ${row.nearestVariant} MSE ${row.toNearestVariant.toFixed(4)} vs mean-of-variants ${toVariantMean.toFixed(4)}`);
  return row;
}

/** The best held-out PSNR along a curve and where it was reached (a later fall shows as final < peak). */
function peak(curve: Curve | undefined): string {
  if (!curve || curve.points.length === 0) return '–';
  const best = curve.points.reduce((a, b) => (b.psnr > a.psnr ? b : a));
  return `${best.psnr.toFixed(2)} @ ${best.iteration}`;
}

function markdownReport(rows: MethodBenchRow[], ambiguity: AmbiguityRow[], curves: Curve[], s: MethodBenchSettings): string {
  const lines = [
    `# Kiln method benchmark`,
    ``,
    `Demo prior, ${s.iterations} iterations, batch ${s.batchSize}, seed ${s.seed}, ${s.initialGaussians} initial Gaussians; held-out PSNR and silhouette IoU over ${s.heldOutViews} views.`,
    ``,
    `| method | object | PSNR (dB) | IoU | peak PSNR @ iteration | wall (s) | UNet calls / it | Gaussians |`,
    `|---|---|---:|---:|---:|---:|---:|---:|`,
    ...rows.map((r) => {
      const curve = curves.find((c) => c.method === r.method && c.object === r.object);
      return `| ${r.method} | ${r.object} | ${r.psnr.toFixed(2)} | ${r.iou.toFixed(3)} | ${peak(curve)} | ${r.wallSeconds.toFixed(1)} | ${r.unetCallsPerIteration.toFixed(1)} | ${r.gaussians} |`;
    }),
  ];
  if (ambiguity.length > 0) {
    lines.push(
      ``,
      `Ambiguous prompt: MSE to the nearest single variant versus to the mean of all variants (commits = nearer a variant).`,
      ``,
      `| method | prompt | nearest variant | MSE to it | MSE to mean | commits |`,
      `|---|---|---|---:|---:|---|`,
      ...ambiguity.map((a) => `| ${a.method} | "${a.prompt}" | ${a.nearestVariant} | ${a.toNearestVariant.toFixed(4)} | ${a.toVariantMean.toFixed(4)} | ${a.commits ? 'yes' : 'no'} |`),
    );
  }
  return lines.join('\n') + '\n';
}
