import { describe, expect, it } from 'vitest';
import { DegradationNet } from '../../../src/core/distill/shared/degradation-net';
import { AdamSettings, adamStep } from '../../../src/core/optim/adam';
import { Rng } from '../../../src/core/random/rng';

/** A float64 net with every parameter random (the last layer too, so no gradient is trivially zero). */
function randomNet(seed: number) {
  const net = new DegradationNet({ channels: 3, hidden: 4, layers: 3 }, Float64Array);
  net.initialise(new Rng(seed), 1);
  const rng = new Rng(seed + 1);
  for (let k = 0; k < net.params.length; k++) net.params[k]! += 0.05 * rng.normal();
  return net;
}

function maxRelativeError(analytic: number, numeric: number): number {
  return Math.abs(analytic - numeric) / Math.max(1e-6, Math.abs(analytic) + Math.abs(numeric));
}

describe('DegradationNet (VDM M_ψ)', () => {
  const [n, h, w] = [2, 5, 6];
  const rng = new Rng(3);
  const x = rng.fillNormal(new Float64Array(n * 3 * h * w));
  const target = rng.fillNormal(new Float64Array(x.length));

  it('passes a central finite-difference gradient check on every parameter and input (float64)', () => {
    const net = randomNet(11);
    const { loss, dParams, dInput } = net.lossAndGrad(x, target, n, h, w);
    const lossAt = () => net.lossAndGrad(x, target, n, h, w).loss;
    const step = 1e-5;
    let worst = 0;
    for (let k = 0; k < net.params.length; k++) {
      const keep = net.params[k]!;
      net.params[k] = keep + step;
      const up = lossAt();
      net.params[k] = keep - step;
      const down = lossAt();
      net.params[k] = keep;
      worst = Math.max(worst, maxRelativeError(dParams[k]!, (up - down) / (2 * step)));
    }
    let worstInput = 0;
    for (let k = 0; k < x.length; k++) {
      const keep = x[k]!;
      x[k] = keep + step;
      const up = lossAt();
      x[k] = keep - step;
      const down = lossAt();
      x[k] = keep;
      worstInput = Math.max(worstInput, maxRelativeError(dInput![k]!, (up - down) / (2 * step)));
    }
    console.log(`M_ψ FD check: ${net.parameterCount} params, loss ${loss.toFixed(4)}, worst relative error params ${worst.toExponential(2)}, input ${worstInput.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    expect(worstInput).toBeLessThan(1e-5);
  });

  it('float32 and float64 nets agree on the forward pass', () => {
    const net64 = randomNet(5);
    const net32 = new DegradationNet(net64.shape, Float32Array);
    net32.params.set(net64.params);
    const a = net64.forward(x, n, h, w);
    const b = net32.forward(Float32Array.from(x), n, h, w);
    for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k]!, 4);
  });

  it('starts as the identity when the last layer is zero', () => {
    const net = new DegradationNet({ channels: 3, hidden: 8, layers: 3 }, Float32Array);
    net.initialise(new Rng(1));
    const x32 = Float32Array.from(x);
    expect(Array.from(net.forward(x32, n, h, w))).toEqual(Array.from(x32));
  });

  it('its loss falls on a fixed batch under Adam (lr 0.01)', () => {
    const net = new DegradationNet({ channels: 3, hidden: 8, layers: 3 }, Float32Array);
    net.initialise(new Rng(2));
    const r = new Rng(9);
    const input = r.fillNormal(new Float32Array(2 * 3 * 16 * 16));
    // A nonlinear, spatially mixing target the net can represent only approximately.
    const fixedTarget = input.map((v, k) => 0.5 * Math.tanh(v) + 0.3 * (input[k + 1] ?? 0));
    const m = new Float32Array(net.parameterCount);
    const v = new Float32Array(net.parameterCount);
    const adam = AdamSettings.parse({ eps: 1e-8 });
    const losses: number[] = [];
    for (let it = 1; it <= 150; it++) {
      const { loss, dParams } = net.lossAndGrad(input, fixedTarget, 2, 16, 16);
      losses.push(loss);
      adamStep(net.params, dParams, m, v, 0.01, it, adam);
    }
    console.log(`M_ψ loss on a fixed batch: ${losses[0]!.toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(0.2 * losses[0]!);
  });

  it('skips the input gradient when training only, with the same parameter gradient', () => {
    const net = randomNet(6);
    const full = net.lossAndGrad(x, target, n, h, w);
    const trainOnly = net.lossAndGrad(x, target, n, h, w, false);
    expect(trainOnly.dInput).toBeUndefined();
    expect(Array.from(trainOnly.dParams)).toEqual(Array.from(full.dParams));
  });

  it('reports its cost per image at the VDM defaults (timing, printed)', () => {
    for (const [channels, size] of [
      [3, 64],
      [4, 32],
    ] as const) {
      const net = new DegradationNet({ channels, hidden: 8, layers: 3 }, Float32Array);
      net.initialise(new Rng(1), 0.1);
      const r = new Rng(2);
      const batch = r.fillNormal(new Float32Array(2 * channels * size * size));
      const goal = r.fillNormal(new Float32Array(batch.length));
      for (let k = 0; k < 5; k++) net.lossAndGrad(batch, goal, 2, size, size, false);
      const start = performance.now();
      for (let k = 0; k < 10; k++) net.lossAndGrad(batch, goal, 2, size, size, false);
      console.log(`M_ψ ${channels}×${size}², ${net.parameterCount} params: ${((performance.now() - start) / 20).toFixed(1)} ms per image (forward + backward)`);
    }
  });
});
