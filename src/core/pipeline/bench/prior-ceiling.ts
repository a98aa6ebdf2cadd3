import type { DemoObject } from '../../diffusion/demo/objects';
import type { OrbitView } from '../../diffusion/pose-embedding';
import type { Conditioning, Prior } from '../../diffusion/prior';
import { posedConditioning } from '../../distill/shared/view-conditioning';
import type { Rng } from '../../random/rng';
import { orbitCamera } from '../../scene/cameras/orbit';
import { groundTruthViews, psnr, silhouetteIou, type GroundTruthView } from './ground-truth';

export interface PriorCeiling {
  /** The teacher's own novel views: DDIM samples at the held-out poses, given the reference, against the exact renders. */
  teacherPsnr: number;
  /** The demo pack's training view nearest each held-out pose against the exact render there (PSNR, silhouette IoU). */
  nearestTrainingPsnr: number;
  nearestTrainingIou: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Angular distance on the orbit sphere between two poses (degrees of arc). */
function arcDeg(a: OrbitView, b: OrbitView): number {
  const r = Math.PI / 180;
  const c = Math.sin(a.elevationDeg * r) * Math.sin(b.elevationDeg * r) + Math.cos(a.elevationDeg * r) * Math.cos(b.elevationDeg * r) * Math.cos((a.azimuthDeg - b.azimuthDeg) * r);
  return Math.acos(Math.min(1, Math.max(-1, c))) / r;
}

/**
 * What the prior itself knows of the held-out views (docs/bench/image.md, "Ceilings"): a student that reproduced the
 * teacher's novel views would score `teacherPsnr`; a prior that can only return its training images (the demo pack
 * is a mixture over them) is off by the nearest one's error at poses between them.
 */
export async function priorCeiling(
  prior: Prior,
  o: { object: DemoObject; conditioning: Conditioning; reference: OrbitView; heldOut: readonly Required<OrbitView>[]; truth: readonly GroundTruthView[]; guidanceScale: number; rng: Rng },
): Promise<PriorCeiling> {
  const cam = prior.camera!;
  const S = cam.imageSize;
  const plane = 3 * S * S;
  const cond = posedConditioning(prior, o.conditioning, o.reference, o.heldOut);
  const samples = await prior.decode(await prior.sample(o.heldOut.length, cond, { scale: o.guidanceScale }, { steps: 50, eta: 0, rng: o.rng }));
  const teacher = o.truth.map((t, k) => psnr(samples.subarray(k * plane, (k + 1) * plane).map((v) => Math.min(1, Math.max(0, (v + 1) / 2))), t.image));
  const trained = prior.manifest.demo?.views ?? [];
  if (trained.length === 0) throw new Error(`${prior.dir}: the prior ceiling needs a demo pack's training views`);
  const nearest = o.heldOut.map((pose) => trained.reduce((best, v) => (arcDeg(pose, v) < arcDeg(pose, best) ? v : best)));
  const nearestViews = groundTruthViews(o.object, nearest.map((v) => orbitCamera({ ...v, radiusM: cam.radiusM }, { fovYDeg: cam.fovYDeg, width: S, height: S })));
  return {
    teacherPsnr: mean(teacher),
    nearestTrainingPsnr: mean(nearestViews.map((v, k) => psnr(v.image, o.truth[k]!.image))),
    nearestTrainingIou: mean(nearestViews.map((v, k) => silhouetteIou(v.coverage, o.truth[k]!.coverage))),
  };
}
