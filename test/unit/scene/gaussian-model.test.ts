import { describe, expect, it } from 'vitest';
import { adamStep, AdamSettings } from '../../../src/core/optim/adam';
import { exponentialDecay } from '../../../src/core/optim/lr-schedule';
import { Rng } from '../../../src/core/random/rng';
import { PARAM_GROUPS } from '../../../src/shared/gaussians/gaussian-layout';
import { GaussianModel } from '../../../src/core/scene/gaussians/gaussian-model';
import { initialiseBall, logit } from '../../../src/core/scene/gaussians/initialise';
import { GaussianTrainingSettings } from '../../../src/core/scene/gaussians/training-settings';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A model whose Gaussian i carries i in its first DC coefficient, so rows can be traced through densification. */
function taggedModel(count: number, settings: Partial<GaussianTrainingSettings> = {}) {
  const rng = new Rng(4);
  const g = initialiseBall({ count, shDegreeMax: 1, radiusM: 1, opacity: 0.5 }, rng);
  for (let i = 0; i < count; i++) {
    g.shDc[3 * i] = i;
    g.logScales.fill(Math.log(0.005), 3 * i, 3 * i + 3);
  }
  return new GaussianModel(g, GaussianTrainingSettings.parse(settings), 1, rng.fork());
}

/** Makes the Adam moment of Gaussian i's first DC coefficient equal to i + 1000 by one crafted step. */
function tagMoments(model: GaussianModel) {
  model.grads.shDc.fill(0);
  for (let i = 0; i < model.count; i++) model.grads.shDc[3 * i] = i + 1000;
  model.step(0, 100);
  for (let i = 0; i < model.count; i++) model.params.shDc[3 * i] = i; // undo the step's move, keep the moments
}

function firstMoment(model: GaussianModel, i: number): number {
  // m = (1 − β1)·g after one step from zero.
  return (model as unknown as { m: { shDc: Float32Array } }).m.shDc[3 * i]! / (1 - model.settings.adam.beta1);
}

function highGradient(model: GaussianModel, rows: number[]) {
  const n = model.count;
  const mg = new Float32Array(2 * n);
  const radii = new Float32Array(n).fill(3);
  for (const i of rows) mg[2 * i] = 1e-2;
  model.recordViewStats(mg, radii, 1);
}

describe('GaussianModel densification keeps rows, moments and counts consistent', () => {
  it('clones small Gaussians with high gradients: same parameters, zero moments for the copy', () => {
    const model = taggedModel(10);
    tagMoments(model);
    highGradient(model, [2, 7]);
    const report = model.densifyAndPrune();
    expect(report).toMatchObject({ cloned: 2, split: 0, pruned: 0, count: 12 });
    const tags = Array.from({ length: model.count }, (_, i) => model.params.shDc[3 * i]);
    expect(tags).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 7]);
    for (let i = 0; i < 10; i++) expect(firstMoment(model, i)).toBeCloseTo(i + 1000, 2);
    expect(firstMoment(model, 10)).toBe(0);
    expect(firstMoment(model, 11)).toBe(0);
    for (const group of PARAM_GROUPS) expect(model.grads[group].length).toBe(model.params[group].length);
    expect(model.gradAccum.length).toBe(12);
  });

  it('splits large Gaussians into smaller children sampled around them and removes the parent', () => {
    const model = taggedModel(6);
    model.params.logScales.fill(Math.log(0.12), 3 * 4, 3 * 5);
    const parentMean = Array.from(model.params.means.subarray(12, 15));
    highGradient(model, [4]);
    const report = model.densifyAndPrune();
    expect(report).toMatchObject({ cloned: 0, split: 1, count: 7 });
    const tags = Array.from({ length: model.count }, (_, i) => model.params.shDc[3 * i]);
    expect(tags).toEqual([0, 1, 2, 3, 5, 4, 4]);
    for (const child of [5, 6]) {
      expect(Math.exp(model.params.logScales[3 * child]!)).toBeCloseTo(0.12 / 1.6, 5);
      const offset = Math.hypot(...[0, 1, 2].map((a) => model.params.means[3 * child + a]! - parentMean[a]!));
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThan(0.12 * 5);
    }
  });

  it('prunes transparent and oversized Gaussians and keeps the rest aligned with their moments', () => {
    const model = taggedModel(8, { pruneMaxWorldFraction: 0.1 });
    tagMoments(model);
    model.params.opacityLogits[1] = logit(0.001);
    model.params.logScales.fill(Math.log(0.5), 3 * 5, 3 * 6);
    const report = model.densifyAndPrune();
    expect(report).toMatchObject({ pruned: 2, count: 6 });
    const tags = Array.from({ length: model.count }, (_, i) => model.params.shDc[3 * i]);
    expect(tags).toEqual([0, 2, 3, 4, 6, 7]);
    tags.forEach((tag, i) => expect(firstMoment(model, i)).toBeCloseTo(tag! + 1000, 2));
  });

  it('prunes by screen size only after an opacity reset, and the reset caps opacity at 0.01', () => {
    const model = taggedModel(4, { pruneMaxScreenPx: 20 });
    const radii = new Float32Array([5, 50, 5, 5]);
    model.recordViewStats(new Float32Array(8), radii, 1);
    expect(model.densifyAndPrune().count).toBe(4);
    model.resetOpacity();
    for (let i = 0; i < model.count; i++) expect(sigmoid(model.params.opacityLogits[i]!)).toBeLessThanOrEqual(0.01 + 1e-9);
    for (let i = 0; i < model.count; i++) model.params.opacityLogits[i] = logit(0.5);
    model.recordViewStats(new Float32Array(8), radii, 1);
    const report = model.densifyAndPrune();
    expect(report.count).toBe(3);
    expect(Array.from({ length: 3 }, (_, i) => model.params.shDc[3 * i])).toEqual([0, 2, 3]);
  });

  it('never grows past maxGaussians', () => {
    const model = taggedModel(10, { maxGaussians: 13 });
    highGradient(model, [0, 1, 2, 3, 4, 5]);
    expect(model.densifyAndPrune().count).toBe(13);
  });

  it('schedules densification, opacity resets and SH warm-up as configured', () => {
    const model = taggedModel(2, { densifyFrom: 100, densifyUntil: 1000, densifyInterval: 100, opacityResetInterval: 500, shDegreeInterval: 300 });
    expect([99, 100, 150, 900, 1000].map((i) => model.isDensifyStep(i))).toEqual([false, true, false, true, false]);
    expect([0, 500, 700, 1500].map((i) => model.isOpacityResetStep(i))).toEqual([false, true, false, false]);
    model.updateShDegree(299);
    expect(model.shDegree).toBe(0);
    model.updateShDegree(5000);
    expect(model.shDegree).toBe(1);
  });
});

describe('optimiser pieces', () => {
  it('adamStep follows the bias-corrected Adam update', () => {
    const s = AdamSettings.parse({ eps: 1e-8 });
    const param = new Float32Array([1, -2]);
    const m = new Float32Array(2);
    const v = new Float32Array(2);
    const ref = [1, -2];
    const mr = [0, 0];
    const vr = [0, 0];
    const grads = [[0.5, -1], [0.25, 3], [-0.1, 0.2]];
    grads.forEach((g, t) => {
      adamStep(param, new Float32Array(g), m, v, 0.01, t + 1, s);
      for (let k = 0; k < 2; k++) {
        mr[k] = 0.9 * mr[k]! + 0.1 * g[k]!;
        vr[k] = 0.999 * vr[k]! + 0.001 * g[k]! ** 2;
        const mh = mr[k]! / (1 - 0.9 ** (t + 1));
        const vh = vr[k]! / (1 - 0.999 ** (t + 1));
        ref[k]! -= (0.01 * mh) / (Math.sqrt(vh) + 1e-8);
      }
    });
    expect(param[0]).toBeCloseTo(ref[0]!, 5);
    expect(param[1]).toBeCloseTo(ref[1]!, 5);
  });

  it('decays the position rate log-linearly from init to final', () => {
    const s = { init: 1.6e-4, final: 1.6e-6, maxSteps: 1000 };
    expect(exponentialDecay(s, 0)).toBeCloseTo(1.6e-4, 12);
    expect(exponentialDecay(s, 500)).toBeCloseTo(1.6e-5, 12);
    expect(exponentialDecay(s, 1000)).toBeCloseTo(1.6e-6, 12);
    expect(exponentialDecay(s, 5000)).toBeCloseTo(1.6e-6, 12);
    expect(exponentialDecay({ ...s, delaySteps: 100, delayMult: 0.01 }, 0)).toBeCloseTo(1.6e-6, 12);
  });
});
