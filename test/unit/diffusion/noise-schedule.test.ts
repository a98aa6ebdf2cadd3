import { describe, expect, it } from 'vitest';
import { ddimMove, ddimPath } from '../../../src/core/diffusion/ddim';
import { perpNegGuidance, classifierFreeGuidance } from '../../../src/core/diffusion/guidance';
import { float32ToHalf, fromHalf, halfToFloat32, toHalf } from '../../../src/core/diffusion/half-float';
import { NoiseSchedule, SchedulerConfig } from '../../../src/core/diffusion/noise-schedule';
import { addNoise, epsilonFromV, epsilonFromX0, vFromEpsilon, x0FromEpsilon } from '../../../src/core/diffusion/prediction';
import { Rng } from '../../../src/core/random/rng';

/** Independent float64 ᾱ: cumulative product of 1 − β for the given betas. */
function cumprod(betas: number[]): number[] {
  let p = 1;
  return betas.map((b) => (p *= 1 - b));
}

const T = 1000;
const EXPECTED: Record<string, number[]> = {
  scaled_linear: cumprod(Array.from({ length: T }, (_, i) => (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / (T - 1)) ** 2)),
  linear: cumprod(Array.from({ length: T }, (_, i) => 0.0001 + ((0.02 - 0.0001) * i) / (T - 1))),
  squaredcos_cap_v2: cumprod(
    Array.from({ length: T }, (_, i) => {
      const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      return Math.min(1 - f(i + 1) / f(i), 0.999);
    }),
  ),
};

describe('noise schedules', () => {
  it.each([
    ['scaled_linear', { beta_start: 0.00085, beta_end: 0.012 }],
    ['linear', { beta_start: 0.0001, beta_end: 0.02 }],
    ['squaredcos_cap_v2', {}],
  ] as const)('%s ᾱ at t = 0, 499, 999 matches the float64 formula to 1e-6', (schedule, extra) => {
    const s = NoiseSchedule.from({ beta_schedule: schedule, ...extra });
    for (const t of [0, 499, 999]) expect(Math.abs(s.alphaBar(t) - EXPECTED[schedule]![t]!)).toBeLessThan(1e-6);
  });

  it("SD's scaled_linear ᾱ has the well-known values", () => {
    const s = NoiseSchedule.from({ beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
    expect(s.alphaBar(0)).toBeCloseTo(0.99915, 6);
    expect(s.alphaBar(999)).toBeCloseTo(0.00466, 5);
  });

  it('spacings follow diffusers (leading + steps_offset, trailing, linspace)', () => {
    const cfg = (spacing: string, offset = 0) => SchedulerConfig.parse({ timestep_spacing: spacing, steps_offset: offset });
    expect(new NoiseSchedule(cfg('leading', 1)).timesteps(10)).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(new NoiseSchedule(cfg('trailing')).timesteps(10)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(new NoiseSchedule(cfg('linspace')).timesteps(4)).toEqual([999, 666, 333, 0]);
    expect(new NoiseSchedule(cfg('leading', 1)).timesteps(50)[0]).toBe(981);
    expect(() => new NoiseSchedule(cfg('leading')).timesteps(0)).toThrow(/steps/);
  });

  it('rejects an unknown beta_schedule', () => {
    expect(SchedulerConfig.safeParse({ beta_schedule: 'sigmoid' }).success).toBe(false);
  });
});

describe('prediction conversions and DDIM', () => {
  const rng = new Rng(9);
  const x0 = rng.fillNormal(new Float32Array(64));
  const eps = rng.fillNormal(new Float32Array(64));
  const a = 0.37;
  const xt = addNoise(x0, eps, a);
  const close = (p: Float32Array, q: Float32Array) => p.forEach((v, i) => expect(v).toBeCloseTo(q[i]!, 4));

  it('ε ↔ x̂₀ ↔ v round-trip', () => {
    close(x0FromEpsilon(xt, eps, a), x0);
    close(epsilonFromX0(xt, x0, a), eps);
    close(epsilonFromV(xt, vFromEpsilon(xt, eps, a), a), eps);
    // v = √ᾱ·ε − √(1−ᾱ)·x₀ by definition
    const v = vFromEpsilon(xt, eps, a);
    v.forEach((vi, i) => expect(vi).toBeCloseTo(Math.sqrt(a) * eps[i]! - Math.sqrt(1 - a) * x0[i]!, 4));
  });

  it('a DDIM move with the true ε is exact in both directions; η > 0 needs the RNG', () => {
    const a2 = 0.8;
    const down = ddimMove(xt, eps, a, a2);
    close(down, addNoise(x0, eps, a2));
    close(ddimMove(down, eps, a2, a), xt);
    expect(() => ddimMove(xt, eps, a, a2, { eta: 1 })).toThrow(/RNG/);
    const noisy = ddimMove(xt, eps, a, a2, { eta: 1, rng: new Rng(1) });
    expect(noisy).not.toEqual(down);
    expect(ddimPath(0, 600, 3)).toEqual([0, 200, 400, 600]);
    expect(ddimPath(600, -1, 2)).toEqual([600, 300, -1]);
  });

  it('CFG and Perp-Neg combine as docs/methods.md states', () => {
    const u = Float32Array.of(1, 0);
    const c = Float32Array.of(2, 0);
    expect(Array.from(classifierFreeGuidance(u, c, 3))).toEqual([4, 0]);
    // A negative along ε_pos is ignored; the orthogonal part is subtracted with its weight.
    const neg = Float32Array.of(3, 2);
    expect(Array.from(perpNegGuidance(u, c, [neg], [0.5], 2))).toEqual([3, -2]);
  });

  it('half floats round-trip and round to nearest even', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(fromHalf(0x0001)).toBeCloseTo(5.960464477539063e-8, 20);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    const values = Float32Array.of(0, -0.5, 0.1, 3.14159, 1e-6, -1234.5);
    halfToFloat32(float32ToHalf(values)).forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 1e-3 + 6e-8));
  });
});
