import { describe, expect, it } from 'vitest';
import { classifierFreeGuidance, perpNegGuidance } from '../../../src/core/diffusion/guidance';
import { Rng } from '../../../src/core/random/rng';
import { dtcMidpoint, DtcCurriculum, linearAnneal, sampleDtcTimestep, sampleTimestep, TimestepRange, timestepBounds } from '../../../src/core/distill/shared/timesteps';
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

  it('DTC curriculum: a staircase from t_max to t_min with a shrinking window', () => {
    const s = DtcCurriculum.parse({});
    expect(dtcMidpoint(s, 0, 1000)).toBeCloseTo(0.98, 9);
    expect(dtcMidpoint(s, 99, 1000)).toBeCloseTo(0.98, 9);
    expect(dtcMidpoint(s, 100, 1000)).toBeLessThan(0.98);
    expect(dtcMidpoint(s, 1000, 1000)).toBeCloseTo(0.02, 9);
    let previous = 1;
    for (let k = 0; k <= 1000; k += 50) {
      const m = dtcMidpoint(s, k, 1000);
      expect(m).toBeLessThanOrEqual(previous + 1e-12);
      previous = m;
    }
    const rng = new Rng(3);
    for (let k = 0; k < 200; k++) expect(Math.abs(sampleDtcTimestep(s, 900, 1000, 1000, rng) - dtcMidpoint(s, 900, 1000) * 1000)).toBeLessThanOrEqual(0.04 * 1000 + 1);
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
