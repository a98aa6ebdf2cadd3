import { adamStep } from '../../optim/adam';
import { exponentialDecay } from '../../optim/lr-schedule';
import type { Rng, RngState } from '../../random/rng';
import { allocateGaussians, groupWidths, PARAM_GROUPS, type GaussianArrays, type ParamGroup } from '../../../shared/gaussians/gaussian-layout';
import { gatherFloats, gatherRows } from './gaussian-rows';
import { logit } from './initialise';
import { quatToRotation } from './quaternion';
import type { GaussianTrainingSettings } from './training-settings';

export interface DensifyReport {
  cloned: number;
  split: number;
  pruned: number;
  count: number;
}

/** Everything a resumed run needs to continue bit for bit: parameters, Adam state, statistics, schedules, RNG. */
export interface GaussianModelState {
  params: GaussianArrays;
  m: GaussianArrays;
  v: GaussianArrays;
  steps: Record<ParamGroup, number>;
  gradAccum: Float32Array;
  gradViews: Float32Array;
  maxRadius: Float32Array;
  shDegree: number;
  openedOpacityReset: boolean;
  rng: RngState;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Text-to-3D objects live inside a unit-radius ball (docs/conventions.md): the extent every run trains with. */
export const SCENE_EXTENT_M = 1;

/**
 * Trainable Gaussians: parameters, their gradients, Adam moments and the densification statistics, kept row-aligned
 * through every clone, split and prune. Positions decay on the exponential schedule; other groups use fixed rates.
 */
export class GaussianModel {
  params: GaussianArrays;
  grads: GaussianArrays;
  private m: GaussianArrays;
  private v: GaussianArrays;
  private readonly steps: Record<ParamGroup, number> = { means: 0, logScales: 0, quats: 0, opacityLogits: 0, shDc: 0, shRest: 0 };
  /** Σ‖view-space mean gradient‖ and the number of views that saw each Gaussian since the last densification. */
  gradAccum: Float32Array;
  gradViews: Float32Array;
  /** Largest screen radius (pixels) each Gaussian reached since the last densification. */
  maxRadius: Float32Array;
  shDegree = 0;
  private openedOpacityReset = false;

  constructor(
    params: GaussianArrays,
    readonly settings: GaussianTrainingSettings,
    /** Scene extent in metres (the radius the object lives in); size thresholds are relative to it. */
    readonly extentM: number,
    private readonly rng: Rng,
  ) {
    this.params = params;
    this.grads = allocateGaussians(params.count, params.shDegreeMax);
    this.m = allocateGaussians(params.count, params.shDegreeMax);
    this.v = allocateGaussians(params.count, params.shDegreeMax);
    this.gradAccum = new Float32Array(params.count);
    this.gradViews = new Float32Array(params.count);
    this.maxRadius = new Float32Array(params.count);
  }

  /** The live state (not copied: encode it before the next step). */
  exportState(): GaussianModelState {
    return {
      params: this.params,
      m: this.m,
      v: this.v,
      steps: { ...this.steps },
      gradAccum: this.gradAccum,
      gradViews: this.gradViews,
      maxRadius: this.maxRadius,
      shDegree: this.shDegree,
      openedOpacityReset: this.openedOpacityReset,
      rng: this.rng.getState(),
    };
  }

  importState(s: GaussianModelState): void {
    const n = s.params.count;
    if (s.m.count !== n || s.v.count !== n || s.gradAccum.length !== n || s.gradViews.length !== n || s.maxRadius.length !== n) {
      throw new Error('inconsistent Gaussian model state: row counts differ');
    }
    this.params = s.params;
    this.m = s.m;
    this.v = s.v;
    Object.assign(this.steps, s.steps);
    this.grads = allocateGaussians(n, s.params.shDegreeMax);
    this.gradAccum = s.gradAccum;
    this.gradViews = s.gradViews;
    this.maxRadius = s.maxRadius;
    this.shDegree = s.shDegree;
    this.openedOpacityReset = s.openedOpacityReset;
    this.rng.setState(s.rng);
  }

  get count(): number {
    return this.params.count;
  }

  /** The learning rate of each group at an iteration (0-based) of a run of `totalIterations`. */
  learningRates(iteration: number, totalIterations: number): Record<ParamGroup, number> {
    const s = this.settings;
    return {
      means:
        exponentialDecay(
          {
            init: s.positionLrInit * this.extentM,
            final: s.positionLrFinal * this.extentM,
            maxSteps: s.positionLrMaxSteps || totalIterations,
            delayMult: s.positionLrDelayMult,
          },
          iteration,
        ),
      logScales: s.scalingLr,
      quats: s.rotationLr,
      opacityLogits: s.opacityLr,
      shDc: s.featureLr,
      shRest: s.featureLr * s.shRestLrFactor,
    };
  }

  /** Applies one Adam step to every group from `grads`. */
  step(iteration: number, totalIterations: number): void {
    const rates = this.learningRates(iteration, totalIterations);
    for (const group of PARAM_GROUPS) {
      const step = ++this.steps[group];
      adamStep(this.params[group], this.grads[group], this.m[group], this.v[group], rates[group], step, this.settings.adam);
    }
  }

  /** Raises the active SH degree on the warm-up schedule. */
  updateShDegree(iteration: number): void {
    this.shDegree = Math.min(this.params.shDegreeMax, Math.floor(iteration / this.settings.shDegreeInterval));
  }

  /** Records one backward pass: `meanGrad2D` is B×N×2 and `radii` B×N for the batch's cameras. */
  recordViewStats(meanGrad2D: Float32Array, radii: Float32Array, cameraCount: number): void {
    const n = this.count;
    for (let b = 0; b < cameraCount; b++)
      for (let i = 0; i < n; i++) {
        const r = radii[b * n + i]!;
        if (r <= 0) continue;
        this.gradAccum[i]! += Math.hypot(meanGrad2D[2 * (b * n + i)]!, meanGrad2D[2 * (b * n + i) + 1]!);
        this.gradViews[i]! += 1;
        if (r > this.maxRadius[i]!) this.maxRadius[i] = r;
      }
  }

  /**
   * Everything after the renderer's backward pass of 0-based iteration `iteration`: record the view statistics, step
   * Adam, then densify and reset opacity when their schedules say so. Returns the densification report, if any.
   */
  finishIteration(
    iteration: number,
    totalIterations: number,
    meanGrad2D: Float32Array,
    radii: Float32Array,
    cameraCount: number,
  ): DensifyReport | undefined {
    this.recordViewStats(meanGrad2D, radii, cameraCount);
    this.step(iteration, totalIterations);
    return this.refine(iteration);
  }

  /** After the step of 0-based iteration `iteration`: densify and reset opacity when their schedules say so. */
  refine(iteration: number): DensifyReport | undefined {
    const done = iteration + 1;
    const report = this.isDensifyStep(done) ? this.densifyAndPrune() : undefined;
    if (this.isOpacityResetStep(done)) this.resetOpacity();
    return report;
  }

  /** Whether this iteration (1-based count of completed steps) densifies, resets opacity, or neither. */
  isDensifyStep(iteration: number): boolean {
    const s = this.settings;
    return iteration >= s.densifyFrom && iteration < s.densifyUntil && iteration % s.densifyInterval === 0;
  }

  isOpacityResetStep(iteration: number): boolean {
    const s = this.settings;
    return s.opacityResetInterval > 0 && iteration < s.densifyUntil && iteration > 0 && iteration % s.opacityResetInterval === 0;
  }

  /** Clone small and split large Gaussians with high view-space gradients, then prune; resets the statistics. */
  densifyAndPrune(): DensifyReport {
    const s = this.settings;
    const n = this.count;
    const p = this.params;
    const cloneRows: number[] = [];
    const splitRows: number[] = [];
    const largeThreshold = s.percentDense * this.extentM;
    for (let i = 0; i < n; i++) {
      if (this.gradViews[i]! === 0 || this.gradAccum[i]! / this.gradViews[i]! < s.densifyGradThreshold) continue;
      if (this.maxScale(i) <= largeThreshold) cloneRows.push(i);
      else splitRows.push(i);
    }
    // Respect the cap: clones first, then as many splits as fit (each split nets splitCount − 1 Gaussians).
    let budget = Math.max(0, s.maxGaussians - n);
    cloneRows.splice(budget);
    budget -= cloneRows.length;
    splitRows.splice(Math.floor(budget / (s.splitCount - 1)));

    const isSplit = new Uint8Array(n);
    for (const i of splitRows) isSplit[i] = 1;
    const children = this.splitChildren(splitRows);
    const originals: number[] = [];
    for (let i = 0; i < n; i++) if (!isSplit[i]) originals.push(i);
    const rows = [...originals, ...cloneRows];
    const all = appendRows(gatherRows(p, rows), children);
    const maxRadius = new Float32Array(all.count);
    maxRadius.set(gatherFloats(this.maxRadius, 1, rows));
    // Prune on the grown set (children included), as the reference implementation does.
    const keep: number[] = [];
    const maxWorld = s.pruneMaxWorldFraction * this.extentM;
    for (let i = 0; i < all.count; i++) {
      const opacity = sigmoid(all.opacityLogits[i]!);
      const tooBigOnScreen = this.openedOpacityReset && maxRadius[i]! > s.pruneMaxScreenPx;
      const tooBigInWorld = maxScaleOf(all, i) > maxWorld;
      if (opacity >= s.pruneMinOpacity && !tooBigOnScreen && !tooBigInWorld) keep.push(i);
    }
    const pruned = all.count - keep.length;
    // Adam moments follow their rows; new rows (clones, split children) start from zero moments.
    const fresh = allocateGaussians(cloneRows.length + children.count, p.shDegreeMax);
    this.params = gatherRows(all, keep);
    this.m = gatherRows(appendRows(gatherRows(this.m, originals), fresh), keep);
    this.v = gatherRows(appendRows(gatherRows(this.v, originals), fresh), keep);
    this.grads = allocateGaussians(this.params.count, p.shDegreeMax);
    this.gradAccum = new Float32Array(this.params.count);
    this.gradViews = new Float32Array(this.params.count);
    this.maxRadius = new Float32Array(this.params.count);
    return { cloned: cloneRows.length, split: splitRows.length, pruned, count: this.params.count };
  }

  /** Caps every opacity at 0.01 and forgets the opacity moments, so floaters must earn their opacity back. */
  resetOpacity(): void {
    const cap = logit(0.01);
    for (let i = 0; i < this.count; i++) this.params.opacityLogits[i] = Math.min(this.params.opacityLogits[i]!, cap);
    this.m.opacityLogits.fill(0);
    this.v.opacityLogits.fill(0);
    this.openedOpacityReset = true;
  }

  private maxScale(i: number): number {
    return maxScaleOf(this.params, i);
  }

  /** splitCount samples from each Gaussian's own distribution, each 1/(0.8·splitCount) its size. */
  private splitChildren(rows: number[]): GaussianArrays {
    const p = this.params;
    const k = this.settings.splitCount;
    const parents = gatherRows(p, rows.flatMap((r) => Array<number>(k).fill(r)));
    const shrink = Math.log(0.8 * k);
    for (let c = 0; c < parents.count; c++) {
      const q = parents.quats.subarray(4 * c, 4 * c + 4);
      const R = quatToRotation(q[0]!, q[1]!, q[2]!, q[3]!);
      const z = [0, 1, 2].map((a) => this.rng.normal() * Math.exp(parents.logScales[3 * c + a]!));
      for (let a = 0; a < 3; a++) {
        parents.means[3 * c + a]! += R[3 * a]! * z[0]! + R[3 * a + 1]! * z[1]! + R[3 * a + 2]! * z[2]!;
        parents.logScales[3 * c + a]! -= shrink;
      }
    }
    return parents;
  }
}

function maxScaleOf(g: GaussianArrays, i: number): number {
  return Math.exp(Math.max(g.logScales[3 * i]!, g.logScales[3 * i + 1]!, g.logScales[3 * i + 2]!));
}

/** `a` followed by `b`. */
function appendRows(a: GaussianArrays, b: GaussianArrays): GaussianArrays {
  const widths = groupWidths(a.shDegreeMax);
  const out = { count: a.count + b.count, shDegreeMax: a.shDegreeMax } as GaussianArrays;
  for (const group of PARAM_GROUPS) {
    const arr = new Float32Array((a.count + b.count) * widths[group]);
    arr.set(a[group]);
    arr.set(b[group], a[group].length);
    out[group] = arr;
  }
  return out;
}
