import { describe, expect, it } from 'vitest';
import { psnr, DEMO_BACKGROUND, groundTruthViews } from '../../../src/core/pipeline/bench/ground-truth';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { parseMethodSettings } from '../../../src/core/distill/registry';
import type { ReferenceView } from '../../../src/core/pipeline/reference-view';
import type { ResolvedStage } from '../../../src/core/pipeline/run-config';
import { runStage, type IterationInfo } from '../../../src/core/pipeline/stage-runner';
import { openStage } from '../../../src/core/pipeline/stage-session';
import { orbitCamera, orbitPoseOf } from '../../../src/core/scene/cameras/orbit';
import { OrbitSamplerSettings } from '../../../src/core/scene/cameras/orbit-sampler';
import { representationByName } from '../../../src/core/scene/registry';
import { useDemoPrior, type DemoPriorFixture } from '../distill/demo-prior-fixture';

const fixture = useDemoPrior('view');
const POSE = { elevationDeg: 15, azimuthDeg: 15, radiusM: 2.5 };

function stage(method: string, methodSettings: Record<string, unknown>, iterations: number): ResolvedStage {
  return {
    representation: 'gaussians',
    method: method as ResolvedStage['method'],
    methodSettings: parseMethodSettings(method, methodSettings) as Record<string, unknown>,
    iterations,
    batchSize: 1,
    snapshotEvery: iterations,
    settings: representationByName('gaussians').resolveSettings({ initialGaussians: 400, maxGaussians: 2000 }, {}, iterations) as Record<string, unknown>,
  };
}

async function setUp(f: DemoPriorFixture) {
  const S = f.prior.imageSize;
  const camera = orbitCamera(POSE, { fovYDeg: f.prior.camera!.fovYDeg, width: S, height: S });
  const [shot] = groundTruthViews(demoObject('mug'), [camera]);
  const reference: ReferenceView = { camera, rgb: shot!.image, mask: shot!.coverage };
  const conditioning = await f.prior.conditionOnView(reference.rgb.map((v) => 2 * v - 1), [[0, 0, 1, 0]]);
  const sampler = OrbitSamplerSettings.parse({ radiusM: [2.5, 2.5], fovYDeg: [f.prior.camera!.fovYDeg, f.prior.camera!.fovYDeg], width: S, height: S });
  return { reference, conditioning, sampler };
}

describe('the stage runner with a reference view', () => {
  it('orbitPoseOf inverts orbitCamera', () => {
    const pose = orbitPoseOf(orbitCamera({ radiusM: 3, elevationDeg: -20, azimuthDeg: 130 }, { fovYDeg: 40, width: 8, height: 8 }));
    expect(pose.radiusM).toBeCloseTo(3, 9);
    expect(pose.elevationDeg).toBeCloseTo(-20, 9);
    expect(pose.azimuthDeg).toBeCloseTo(130, 9);
  });

  it('changes nothing for a method that does not ask for it: the same Gaussians bit for bit as without a reference', async () => {
    const f = fixture();
    const { reference, conditioning, sampler } = await setUp(f);
    const payloads = [];
    for (const withReference of [false, true]) {
      const s = openStage({ prior: f.prior, conditioning, prompt: '', referenceCamera: POSE, seed: 3, index: 0, stage: stage('sds', {}, 6), threads: 1 });
      await runStage(s, { sampler, background: DEMO_BACKGROUND, ...(withReference ? { reference } : {}) });
      payloads.push(Buffer.from(s.representation.payload().bytes));
    }
    expect(payloads[1]!.equals(payloads[0]!)).toBe(true);
  });

  it('dtc renders the reference about a quarter of the time, with no teacher call', async () => {
    const f = fixture();
    const { reference, conditioning, sampler } = await setUp(f);
    const s = openStage({ prior: f.prior, conditioning, prompt: '', referenceCamera: POSE, seed: 3, index: 0, stage: stage('dtc', {}, 24), threads: 1 });
    const seen: IterationInfo[] = [];
    await runStage(s, { sampler, background: DEMO_BACKGROUND, reference, onIteration: (info) => void seen.push(info) });
    const referenceIterations = seen.filter((i) => i.result.terms.referenceRgb !== undefined);
    expect(referenceIterations.length).toBeGreaterThan(1);
    expect(referenceIterations.length).toBeLessThan(12);
    for (const i of referenceIterations) {
      expect(i.result.unetCalls).toBe(0);
      expect(i.result.terms.referenceMask).toBeGreaterThan(0);
    }
  });

  it('fits the reference view: with probability 1 the reference PSNR rises', async () => {
    const f = fixture();
    const { reference, conditioning, sampler } = await setUp(f);
    const s = openStage({ prior: f.prior, conditioning, prompt: '', referenceCamera: POSE, seed: 3, index: 0, stage: stage('dtc', { reference: { probability: 1 } }, 60), threads: 1 });
    const before = psnr(s.representation.render([reference.camera], DEMO_BACKGROUND).rgb, reference.rgb);
    await runStage(s, { sampler, background: DEMO_BACKGROUND, reference });
    const after = psnr(s.representation.render([reference.camera], DEMO_BACKGROUND).rgb, reference.rgb);
    expect(after).toBeGreaterThan(before + 3);
  });
});
