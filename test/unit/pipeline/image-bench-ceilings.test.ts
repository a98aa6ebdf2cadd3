import { describe, expect, it } from 'vitest';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { parseMethodSettings } from '../../../src/core/distill/registry';
import { ReferenceSupervision } from '../../../src/core/distill/shared/reference-losses';
import { Rng } from '../../../src/core/random/rng';
import { fitExactViews } from '../../../src/core/pipeline/bench/exact-view-fit';
import { DEMO_BACKGROUND, groundTruthViews, psnr } from '../../../src/core/pipeline/bench/ground-truth';
import { heldOutOrbit, heldOutPoses } from '../../../src/core/pipeline/bench/held-out-views';
import { priorCeiling } from '../../../src/core/pipeline/bench/prior-ceiling';
import { openStage } from '../../../src/core/pipeline/stage-session';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import { OrbitSamplerSettings } from '../../../src/core/scene/cameras/orbit-sampler';
import { representationByName } from '../../../src/core/scene/registry';
import { useDemoPrior } from '../distill/demo-prior-fixture';

const fixture = useDemoPrior('view');
const REFERENCE = { elevationDeg: 15, azimuthDeg: 15, radiusM: 2.5 };

async function reference(objectId: string) {
  const { prior } = fixture();
  const cam = prior.camera!;
  const camera = orbitCamera({ ...REFERENCE, radiusM: cam.radiusM }, { fovYDeg: cam.fovYDeg, width: cam.imageSize, height: cam.imageSize });
  const [shot] = groundTruthViews(demoObject(objectId), [camera]);
  return prior.conditionOnView(shot!.image.map((v) => 2 * v - 1), [[0, 0, 1, 0]]);
}

function truthAt(poses: { elevationDeg: number; azimuthDeg: number; radiusM: number }[], objectId: string) {
  const cam = fixture().prior.camera!;
  return groundTruthViews(demoObject(objectId), poses.map((p) => orbitCamera(p, { fovYDeg: cam.fovYDeg, width: cam.imageSize, height: cam.imageSize })));
}

describe("the image bench's ceilings", () => {
  it('the held-out poses are the held-out cameras', () => {
    const cam = fixture().prior.camera!;
    const poses = heldOutPoses(cam, 8);
    const cameras = heldOutOrbit(cam, 8);
    poses.forEach((p, k) => expect(orbitCamera(p, { fovYDeg: cam.fovYDeg, width: cam.imageSize, height: cam.imageSize })).toEqual(cameras[k]));
  });

  it("the nearest training view is exact at the pack's own training poses and not between them", async () => {
    const { prior } = fixture();
    const conditioning = await reference('mug');
    const onGrid = [30, 90, 180].map((azimuthDeg) => ({ elevationDeg: 15, azimuthDeg, radiusM: prior.camera!.radiusM }));
    const between = [45, 105, 195].map((azimuthDeg) => ({ elevationDeg: 15, azimuthDeg, radiusM: prior.camera!.radiusM }));
    const options = { object: demoObject('mug'), conditioning, reference: REFERENCE, guidanceScale: 3, rng: new Rng(0) };
    const exact = await priorCeiling(prior, { ...options, heldOut: onGrid, truth: truthAt(onGrid, 'mug') });
    expect(exact.nearestTrainingPsnr).toBe(Infinity);
    expect(exact.nearestTrainingIou).toBe(1);
    const off = await priorCeiling(prior, { ...options, heldOut: between, truth: truthAt(between, 'mug') });
    expect(off.nearestTrainingPsnr).toBeLessThan(30);
    expect(off.nearestTrainingIou).toBeLessThan(1);
    // The teacher's samples are images of the mug, far better than the flat background alone.
    const background = truthAt(between, 'mug').map((t) => psnr(t.image.map((_, k) => DEMO_BACKGROUND[Math.floor(k / t.coverage.length)]!), t.image));
    expect(off.teacherPsnr).toBeGreaterThan(Math.max(...background) + 2);
  });

  it('fitting exact renders of random views raises the held-out PSNR of a Gaussian stage', async () => {
    const { prior } = fixture();
    const cam = prior.camera!;
    const iterations = 60;
    const stage = {
      representation: 'gaussians' as const,
      method: 'dtc' as const,
      methodSettings: parseMethodSettings('dtc', {}) as Record<string, unknown>,
      iterations,
      batchSize: 1,
      snapshotEvery: iterations,
      settings: representationByName('gaussians').resolveSettings({ initialGaussians: 500, maxGaussians: 2000 }, {}, iterations) as Record<string, unknown>,
    };
    const session = openStage({ prior, conditioning: await reference('mug'), prompt: '', referenceCamera: REFERENCE, seed: 1, index: 0, stage, threads: 1 });
    const truth = groundTruthViews(demoObject('mug'), heldOutOrbit(cam, 4));
    const score = () => truth.reduce((sum, t) => sum + psnr(session.representation.render([t.camera], DEMO_BACKGROUND).rgb, t.image), 0) / truth.length;
    const before = score();
    const sampler = OrbitSamplerSettings.parse({ radiusM: [cam.radiusM, cam.radiusM], fovYDeg: [cam.fovYDeg, cam.fovYDeg], elevationDeg: cam.elevationRangeDeg, width: cam.imageSize, height: cam.imageSize });
    fitExactViews(session, { object: demoObject('mug'), sampler, background: DEMO_BACKGROUND, supervision: ReferenceSupervision.parse({}) });
    expect(score()).toBeGreaterThan(before + 3);
  }, 60_000);
});
