import { describe, expect, it } from 'vitest';
import { classifierFreeGuidance, perpNegGuidance } from '../../../src/core/diffusion/guidance';
import { Rng } from '../../../src/core/random/rng';
import { dtcBounds, dtcMidpoint, DtcCurriculum, dtcWindow, linearAnneal, sampleDtcTimestep, sampleTimestep, TimestepRange, timestepBounds } from '../../../src/core/distill/shared/timesteps';
import { perpNegNegatives, ViewPromptSettings, viewName, viewPrompt } from '../../../src/core/distill/shared/view-prompts';
import { weightAt } from '../../../src/core/distill/shared/weights';

describe('timestep schedules', () => {
  it('samples within the range and warms the upper bound up', () => {
    const s = TimestepRange.parse({ tRange: [0.02, 0.98], warmupFrom: 0.5, warmupIterations: 1000 });
    expect(timestepBounds(s, 0, 1000)).toEqual([20, 500]);
    expect(timestepBounds(s, 500, 1000)).toEqual([20, 740]);
    expect(timestepBounds(s, 5000, 1000)).toEqual([20, 980]);
    const rng = new Rng(1);
    for (let k = 0; k < 500; k++) {
      const t = sampleTimestep(s, 0, 1000, rng);
      expect(t).toBeGreaterThanOrEqual(20);
      expect(t).toBeLessThanOrEqual(500);
    }
    expect(linearAnneal(0.98, 0.25, 0, 100, 1000)).toBe(980);
    expect(linearAnneal(0.98, 0.25, 100, 100, 1000)).toBe(250);
  });

  it('DTC curriculum: the midpoint is the card\'s formula t_max − (t_max − t_min)·log_b(1 + ⌊k/l⌋·l/N)', () => {
    for (const [N, l, b] of [[3000, 100, 2], [1000, 50, Math.E], [600, 1, 10], [777, 64, 2]] as const) {
      const s = DtcCurriculum.parse({ tMax: 0.9, tMin: 0.1, stepLength: l, logBase: b });
      for (let k = 0; k <= N; k += 7) {
        const formula = 0.9 - 0.8 * Math.min(1, Math.log(1 + (Math.floor(k / l) * l) / N) / Math.log(b));
        expect(dtcMidpoint(s, k, N)).toBeCloseTo(formula, 12);
      }
    }
    // Worked values (defaults: 0.98/0.02, l = 100, base 2): k = 1500 of 3000 → log2(1.5) = 0.585, t_mid = 0.418.
    const s = DtcCurriculum.parse({});
    expect(dtcMidpoint(s, 1500, 3000)).toBeCloseTo(0.98 - 0.96 * Math.log2(1.5), 12);
    expect(dtcMidpoint(s, 1599, 3000)).toBe(dtcMidpoint(s, 1500, 3000)); // a staircase: constant within a step
    expect(dtcMidpoint(s, 1600, 3000)).toBeLessThan(dtcMidpoint(s, 1599, 3000));
    expect(dtcMidpoint(s, 0, 3000)).toBe(0.98);
    expect(dtcMidpoint(s, 3000, 3000)).toBeCloseTo(0.02, 12); // base 2 spans the whole range…
    expect(dtcMidpoint(DtcCurriculum.parse({ logBase: Math.E }), 3000, 3000)).toBeCloseTo(0.98 - 0.96 * Math.LN2, 12); // …base e does not
  });

  it('DTC curriculum: t ~ U[t_mid − Δ, t_mid + Δ] with Δ narrowing, inside [t_min, t_max], every step reached', () => {
    const s = DtcCurriculum.parse({ windowStart: 0.1, windowEnd: 0.02 });
    const N = 1000;
    const T = 1000;
    expect(dtcWindow(s, 0, N)).toBeCloseTo(0.1, 12);
    expect(dtcWindow(s, 500, N)).toBeCloseTo(0.06, 12);
    expect(dtcWindow(s, N, N)).toBeCloseTo(0.02, 12);
    const rng = new Rng(3);
    for (const k of [0, 250, 500, 900, 1000]) {
      const mid = dtcMidpoint(s, k, N);
      const half = dtcWindow(s, k, N);
      const [lo, hi] = dtcBounds(s, k, N, T);
      expect(lo).toBe(Math.round(Math.max(0.02, mid - half) * T));
      expect(hi).toBe(Math.round(Math.min(0.98, mid + half) * T));
      const seen = new Set<number>();
      for (let i = 0; i < 20 * (hi - lo + 1); i++) {
        const t = sampleDtcTimestep(s, k, N, T, rng);
        expect(t).toBeGreaterThanOrEqual(lo);
        expect(t).toBeLessThanOrEqual(hi);
        seen.add(t);
      }
      expect(seen.size).toBe(hi - lo + 1);
    }
    // At k = 0 the window is clipped at t_max (0.98), not at T − 1.
    expect(dtcBounds(s, 0, N, T)).toEqual([880, 980]);
  });

  it('weights follow their definitions', () => {
    expect(weightAt('one-minus-alpha-bar', 0.36)).toBeCloseTo(0.64, 12);
    expect(weightAt('sigma-ratio', 0.36)).toBeCloseTo(Math.sqrt(0.64 / 0.36), 12);
    expect(weightAt('uniform', 0.36)).toBe(1);
  });
});

describe('view prompts and Perp-Neg', () => {
  const s = ViewPromptSettings.parse({ enabled: true });

  it('names views by azimuth (0 = front)', () => {
    expect([0, 30, -30, 60, 120, 170, -170, 200].map((a) => viewName(a, s))).toEqual(['front', 'front', 'front', 'side', 'side', 'back', 'back', 'back']);
    expect(viewPrompt('a mug', 180, s)).toBe('a mug, back view');
  });

  it('gives the other view a weight that grows toward it', () => {
    expect(perpNegNegatives(0, s)).toEqual([{ view: 'side', weight: 0 }]);
    expect(perpNegNegatives(80, s)[0]!.view).toBe('front');
    expect(perpNegNegatives(80, s)[0]!.weight).toBeCloseTo(1 / 9, 9);
    expect(perpNegNegatives(100, s)[0]).toMatchObject({ view: 'back' });
  });

  it("Perp-Neg's negative terms are orthogonal to the positive term", () => {
    const rng = new Rng(9);
    const n = 512;
    const uncond = rng.fillNormal(new Float32Array(n));
    const pos = rng.fillNormal(new Float32Array(n));
    const negs = [rng.fillNormal(new Float32Array(n)), rng.fillNormal(new Float32Array(n))];
    const scale = 7.5;
    const combined = perpNegGuidance(uncond, pos, negs, [0.7, 1.3], scale);
    const plain = classifierFreeGuidance(uncond, pos, scale);
    // combined − plain = −s·Σ wᵢ·negᵢ⊥, which must be orthogonal to ε_pos − ε_∅.
    let dot = 0;
    let norm = 0;
    let removed = 0;
    for (let k = 0; k < n; k++) {
      const d = combined[k]! - plain[k]!;
      const p = pos[k]! - uncond[k]!;
      dot += d * p;
      norm += p * p;
      removed += d * d;
    }
    expect(removed).toBeGreaterThan(1);
    expect(Math.abs(dot) / Math.sqrt(norm * removed)).toBeLessThan(1e-5);
  });
});
