import { z } from 'zod';
import { demoObject, type DemoObject } from '../../diffusion/demo/objects';
import type { Prior } from '../../diffusion/prior';
import type { OrbitView } from '../../diffusion/pose-embedding';
import { DtcSettings } from '../../distill/dtc';
import { parseMethodSettings } from '../../distill/registry';
import { ReferenceSupervision } from '../../distill/shared/reference-losses';
import { Rng } from '../../random/rng';
import { OrbitSamplerSettings } from '../../scene/cameras/orbit-sampler';
import { orbitCamera } from '../../scene/cameras/orbit';
import { exportMeshSnapshotGlb } from '../../scene/dmtet/mesh-snapshot-glb';
import { representationByName } from '../../scene/registry';
import type { Representation, SnapshotPayload } from '../../scene/representation';
import type { ReferenceView } from '../reference-view';
import type { ResolvedStage } from '../run-config';
import { runStage } from '../stage-runner';
import { openStage, type StageSession } from '../stage-session';
import { contactSheet } from './contact-sheet';
import { fitExactViews } from './exact-view-fit';
import { glbFidelity } from './glb-fidelity';
import { DEMO_BACKGROUND, groundTruthViews, psnr, silhouetteIou, type GroundTruthView } from './ground-truth';
import { heldOutOrbit, heldOutPoses } from './held-out-views';
import { priorCeiling, type PriorCeiling } from './prior-ceiling';

/**
 * The image → 3D comparison (docs/bench/image.md): DTC123 against Zero-1-to-3 SDS and its own ablations, each a
 * Gaussian stage then a DMTet stage at equal iterations, from one reference render of a demo object; `photometric`
 * is the ceiling: DTC123's student at the same budget fitted to exact renders of random views (no teacher).
 */
export const IMAGE_VARIANTS = ['dtc', 'sds', 'dtc-no-curriculum', 'dtc-no-progressive', 'photometric'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

export const ImageBenchSettings = z.object({
  variants: z.array(z.enum(IMAGE_VARIANTS)).min(1).default([...IMAGE_VARIANTS]),
  objects: z.array(z.string()).min(1).default(['snowman', 'mug', 'table', 'torus']),
  seeds: z.array(z.number().int()).min(1).default([0, 1, 2]),
  gaussianIterations: z.number().int().positive().default(300),
  meshIterations: z.number().int().positive().default(100),
  batchSize: z.number().int().positive().default(1),
  /** The reference camera: an azimuth halfway between the view pack's training views (every 30°), at 15° elevation. */
  referenceAzimuthDeg: z.number().default(15),
  referenceElevationDeg: z.number().default(15),
  heldOutViews: z.number().int().min(1).default(8),
  /** Stage 1's Gaussian cap when the student is progressive (the coarse stage), and when it is not. */
  coarseMaxGaussians: z.number().int().positive().default(8000),
  fullMaxGaussians: z.number().int().positive().default(30000),
  initialGaussians: z.number().int().positive().default(2000),
  /** Stage 2's tet grid: rising through the stage when progressive, the last resolution throughout when not. */
  gridProgression: z
    .array(z.object({ from: z.number(), resolution: z.number().int() }))
    .default([
      { from: 0, resolution: 32 },
      { from: 0.5, resolution: 64 },
    ]),
  threads: z.number().int().positive().default(2),
  /** DTC123 settings over its defaults for the `dtc` variants (not the `sds` baseline), to measure a change at equal budget. */
  dtcSettings: z.record(z.string(), z.unknown()).default({}),
});
export type ImageBenchSettings = z.infer<typeof ImageBenchSettings>;

export interface ImageBenchRow {
  variant: ImageVariant;
  object: string;
  seed: number;
  /** Held-out views of the final mesh (and of the Gaussian stage, for the two stages' contributions). */
  psnr: number;
  iou: number;
  gaussianPsnr: number;
  gaussianIou: number;
  /** The reference view itself (how well it is reproduced). */
  referencePsnr: number;
  chamferPercent: number;
  wallSeconds: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function score(representation: Representation, views: readonly GroundTruthView[]) {
  const renders = views.map((v) => representation.render([v.camera], DEMO_BACKGROUND));
  return {
    renders: renders.map((r) => r.rgb),
    psnr: mean(renders.map((r, k) => psnr(r.rgb, views[k]!.image))),
    iou: mean(renders.map((r, k) => silhouetteIou(r.alpha, views[k]!.coverage))),
  };
}

/** The method and stage settings a variant runs with. */
function variantPlan(variant: ImageVariant, s: ImageBenchSettings) {
  // `photometric` opens DTC123's stages for its student and losses; its teacher is never called.
  const method = variant === 'sds' ? 'sds' : 'dtc';
  // threestudio's zero123 system guides Zero-1-to-3 SDS at scale 3 with t uniform over [0.02, 0.98] (SDS's default range).
  const overrides = variant === 'sds' ? { cfgScale: 3 } : { ...s.dtcSettings, ...(variant === 'dtc-no-curriculum' ? { annealed: false } : {}) };
  const methodSettings = parseMethodSettings(method, overrides) as Record<string, unknown>;
  const progressive = variant !== 'dtc-no-progressive';
  const last = s.gridProgression[s.gridProgression.length - 1]!.resolution;
  return {
    method,
    methodSettings,
    gaussians: { initialGaussians: s.initialGaussians, maxGaussians: progressive ? s.coarseMaxGaussians : s.fullMaxGaussians },
    dmtet: { gridProgression: progressive ? s.gridProgression : [{ from: 0, resolution: last }] },
  };
}

function resolvedStage(representation: 'gaussians' | 'dmtet', method: string, methodSettings: Record<string, unknown>, iterations: number, batchSize: number, settings: Record<string, unknown>): ResolvedStage {
  return {
    representation,
    method: method as ResolvedStage['method'],
    methodSettings,
    iterations,
    batchSize,
    snapshotEvery: iterations,
    settings: representationByName(representation).resolveSettings(settings, {}, iterations) as Record<string, unknown>,
  };
}

/**
 * The Zero-1-to-3 SDS baseline fits the reference view too (threestudio's zero123 system does), with the same share
 * and weights as DTC123, so the two differ only in the teacher.
 */
function withReferenceSupervision(stage: StageSession): StageSession {
  if (stage.method.referenceSupervision) return stage;
  return { ...stage, method: { ...stage.method, referenceSupervision: ReferenceSupervision.parse({}) } };
}

interface StageRun {
  object: DemoObject;
  variant: ImageVariant;
  sampler: OrbitSamplerSettings;
  reference: ReferenceView;
  runSpan: { offset: number; total: number };
}

/** A guided stage (the teacher on orbit views, the reference view's losses), or the `photometric` ceiling's exact fit. */
async function optimiseStage(session: StageSession, r: StageRun): Promise<void> {
  if (r.variant !== 'photometric') {
    await runStage(session, { sampler: r.sampler, background: DEMO_BACKGROUND, reference: r.reference, runSpan: r.runSpan });
    return;
  }
  fitExactViews(session, { object: r.object, sampler: r.sampler, background: DEMO_BACKGROUND, supervision: session.method.referenceSupervision! });
}

interface Reconstruction {
  row: ImageBenchRow;
  renders: Float32Array[];
}

/** The object's reference photo (its exact render from the reference camera) and the prior conditioned on it. */
async function referenceShot(prior: Prior, objectId: string, s: ImageBenchSettings) {
  const cam = prior.camera!;
  const S = cam.imageSize;
  const pose: OrbitView = { elevationDeg: s.referenceElevationDeg, azimuthDeg: s.referenceAzimuthDeg, radiusM: cam.radiusM };
  const camera = orbitCamera({ ...pose, radiusM: cam.radiusM }, { fovYDeg: cam.fovYDeg, width: S, height: S });
  const [shot] = groundTruthViews(demoObject(objectId), [camera]);
  const reference: ReferenceView = { camera, rgb: shot!.image, mask: shot!.coverage };
  const conditioning = await prior.conditionOnView(reference.rgb.map((v) => 2 * v - 1), [[0, 0, 1, 0]]);
  return { pose, reference, conditioning };
}

async function reconstruct(prior: Prior, variant: ImageVariant, objectId: string, seed: number, truth: GroundTruthView[], s: ImageBenchSettings): Promise<Reconstruction> {
  const cam = prior.camera!;
  const S = cam.imageSize;
  const { pose: referencePose, reference, conditioning } = await referenceShot(prior, objectId, s);
  const sampler = OrbitSamplerSettings.parse({
    radiusM: [cam.radiusM, cam.radiusM],
    fovYDeg: [cam.fovYDeg, cam.fovYDeg],
    elevationDeg: cam.elevationRangeDeg,
    azimuthDeg: cam.azimuthRangeDeg,
    width: S,
    height: S,
  });
  const plan = variantPlan(variant, s);
  const stages = [
    resolvedStage('gaussians', plan.method, plan.methodSettings, s.gaussianIterations, s.batchSize, plan.gaussians),
    resolvedStage('dmtet', plan.method, plan.methodSettings, s.meshIterations, s.batchSize, plan.dmtet),
  ];
  const start = performance.now();
  let from: SnapshotPayload | undefined;
  let gaussian = { psnr: 0, iou: 0 };
  let session: StageSession | undefined;
  for (const [index, stage] of stages.entries()) {
    session = withReferenceSupervision(
      openStage({ prior, conditioning, prompt: '', referenceCamera: referencePose, seed, index, stage, threads: s.threads, ...(from ? { from } : {}) }),
    );
    const offset = stages.slice(0, index).reduce((sum, st) => sum + st.iterations, 0);
    await optimiseStage(session, { object: demoObject(objectId), variant, sampler, reference, runSpan: { offset, total: s.gaussianIterations + s.meshIterations } });
    from = session.representation.payload();
    if (index === 0) gaussian = score(session.representation, truth);
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const final = score(session!.representation, truth);
  const referenceRender = session!.representation.render([reference.camera], DEMO_BACKGROUND);
  const glb = await exportMeshSnapshotGlb(from!.bytes, { pivot: 'origin' });
  const fidelity = await glbFidelity(glb.glb, objectId);
  return {
    row: {
      variant,
      object: objectId,
      seed,
      psnr: final.psnr,
      iou: final.iou,
      gaussianPsnr: gaussian.psnr,
      gaussianIou: gaussian.iou,
      referencePsnr: psnr(referenceRender.rgb, reference.rgb),
      chamferPercent: fidelity.chamferPercent,
      wallSeconds,
    },
    renders: final.renders,
  };
}

export interface ImageCeilingRow extends PriorCeiling {
  object: string;
  seed: number;
}

export interface ImageBenchResult {
  rows: ImageBenchRow[];
  /** What the prior itself knows of each object's held-out views (per seed: the teacher's samples are random). */
  ceilings: ImageCeilingRow[];
  sheet: { image: Float32Array; width: number; height: number; rowLabels: string[] };
  markdown: string;
}

/** Every variant on every object and seed; the contact sheet shows the first seed's held-out views. */
export async function runImageBenchmark(prior: Prior, s: ImageBenchSettings, onProgress: (line: string) => void = () => {}): Promise<ImageBenchResult> {
  const cam = prior.camera;
  if (!cam || prior.kind !== 'view-conditioned') throw new Error(`${prior.dir}: the image benchmark needs a view-conditioned pack with a camera distribution`);
  const S = cam.imageSize;
  const cameras = heldOutOrbit(cam, s.heldOutViews);
  const shown = Math.min(4, s.heldOutViews);
  const truth = new Map(s.objects.map((id) => [id, groundTruthViews(demoObject(id), cameras)]));
  const sheetRows: Float32Array[][] = [s.objects.flatMap((id) => truth.get(id)!.slice(0, shown).map((v) => v.image))];
  const rowLabels = ['ground truth'];
  const rows: ImageBenchRow[] = [];
  const ceilings: ImageCeilingRow[] = [];
  const guidanceScale = DtcSettings.parse({}).cfgScale;
  for (const id of s.objects) {
    const { pose, conditioning } = await referenceShot(prior, id, s);
    for (const seed of s.seeds) {
      const c = await priorCeiling(prior, { object: demoObject(id), conditioning, reference: pose, heldOut: heldOutPoses(cam, s.heldOutViews), truth: truth.get(id)!, guidanceScale, rng: new Rng(seed) });
      ceilings.push({ object: id, seed, ...c });
      onProgress(`prior ${id} seed ${seed}: teacher's novel views ${c.teacherPsnr.toFixed(2)} dB; nearest training view ${c.nearestTrainingPsnr.toFixed(2)} dB, IoU ${c.nearestTrainingIou.toFixed(3)}`);
    }
  }
  for (const variant of s.variants) {
    const tiles: Float32Array[] = [];
    for (const id of s.objects) {
      for (const seed of s.seeds) {
        const run = await reconstruct(prior, variant, id, seed, truth.get(id)!, s);
        rows.push(run.row);
        if (seed === s.seeds[0]) tiles.push(...run.renders.slice(0, shown));
        const r = run.row;
        onProgress(`${variant} ${id} seed ${seed}: PSNR ${r.psnr.toFixed(2)} dB, IoU ${r.iou.toFixed(3)}, Chamfer ${r.chamferPercent.toFixed(2)} %, ${r.wallSeconds.toFixed(0)} s`);
      }
    }
    sheetRows.push(tiles);
    rowLabels.push(variant);
  }
  return { rows, ceilings, sheet: { ...contactSheet(sheetRows, S), rowLabels }, markdown: imageBenchMarkdown(rows, ceilings, s) };
}

/** Medians over seeds per variant and object, then each variant's median over objects. */
export function imageBenchMarkdown(rows: readonly ImageBenchRow[], ceilings: readonly ImageCeilingRow[], s: ImageBenchSettings): string {
  const lines = [
    `Reference: azimuth ${s.referenceAzimuthDeg}°, elevation ${s.referenceElevationDeg}°; stage 1 Gaussians ${s.gaussianIterations} iterations, stage 2 DMTet ${s.meshIterations}, batch ${s.batchSize}; seeds ${s.seeds.join(', ')}; medians over seeds. Held-out: ${s.heldOutViews} views.`,
    ``,
    `| variant | object | PSNR (dB) | IoU | Gaussian stage PSNR / IoU | reference PSNR | GLB Chamfer / size | wall (s) |`,
    `|---|---|---:|---:|---:|---:|---:|---:|`,
  ];
  const variants = [...new Set(rows.map((r) => r.variant))];
  const objects = [...new Set(rows.map((r) => r.object))];
  const med = (rs: readonly ImageBenchRow[], key: keyof ImageBenchRow) => median(rs.map((r) => r[key] as number));
  for (const v of variants) {
    for (const o of objects) {
      const rs = rows.filter((r) => r.variant === v && r.object === o);
      if (rs.length === 0) continue;
      lines.push(
        `| ${v} | ${o} | ${med(rs, 'psnr').toFixed(2)} | ${med(rs, 'iou').toFixed(3)} | ${med(rs, 'gaussianPsnr').toFixed(2)} / ${med(rs, 'gaussianIou').toFixed(3)} | ${med(rs, 'referencePsnr').toFixed(2)} | ${med(rs, 'chamferPercent').toFixed(2)} % | ${med(rs, 'wallSeconds').toFixed(0)} |`,
      );
    }
  }
  lines.push(``, `| variant | median PSNR | median IoU | median Chamfer / size | objects with PSNR ≥ 25 and IoU ≥ 0.9 |`, `|---|---:|---:|---:|---:|`);
  for (const v of variants) {
    const perObject = objects.map((o) => rows.filter((r) => r.variant === v && r.object === o)).filter((rs) => rs.length > 0);
    const psnrs = perObject.map((rs) => med(rs, 'psnr'));
    const ious = perObject.map((rs) => med(rs, 'iou'));
    const passing = perObject.filter((_, k) => psnrs[k]! >= 25 && ious[k]! >= 0.9).length;
    lines.push(`| ${v} | ${median(psnrs).toFixed(2)} | ${median(ious).toFixed(3)} | ${median(perObject.map((rs) => med(rs, 'chamferPercent'))).toFixed(2)} % | ${passing} of ${perObject.length} |`);
  }
  lines.push(
    ``,
    `What the prior itself knows of the held-out views (medians over seeds): its own novel views (DDIM, 50 steps, CFG ${DtcSettings.parse({}).cfgScale}) and its nearest training view, each against the exact renders.`,
    ``,
    `| object | teacher's novel views PSNR | nearest training view PSNR / IoU |`,
    `|---|---:|---:|`,
  );
  for (const o of [...new Set(ceilings.map((c) => c.object))]) {
    const cs = ceilings.filter((c) => c.object === o);
    const m = (key: keyof PriorCeiling) => median(cs.map((c) => c[key]));
    lines.push(`| ${o} | ${m('teacherPsnr').toFixed(2)} | ${m('nearestTrainingPsnr').toFixed(2)} / ${m('nearestTrainingIou').toFixed(3)} |`);
  }
  return lines.join('\n') + '\n';
}
