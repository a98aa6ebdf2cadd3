import { describe, expect, it } from 'vitest';
import { VertexAlbedoProbe } from '../../../../src/core/scene/dmtet/vertex-albedo-probe';

/** Vertices along x from −1 to 1 every 0.1: red where x < 0, blue where x > 0. */
function twoTone() {
  const xs = Array.from({ length: 21 }, (_, i) => -1 + 0.1 * i);
  const positions = Float32Array.from(xs.flatMap((x) => [x, 0, 0]));
  const albedo = Uint8Array.from(xs.flatMap((x) => (x < -1e-6 ? [255, 0, 0] : x > 1e-6 ? [0, 0, 255] : [0, 255, 0])));
  return new VertexAlbedoProbe({ positions, indices: new Uint32Array(0), albedo }, 0.12);
}

const sample = (probe: VertexAlbedoProbe, x: number, y = 0) => {
  const out = new Float64Array(3);
  const weight = probe.sample(x, y, 0, 0, 1, 0, out);
  return { weight, rgb: [...out] };
};

describe('a mesh snapshot’s vertex albedo as a colour probe', () => {
  it('averages the vertices within its radius, nearer ones weighing more', () => {
    const probe = twoTone();
    expect(sample(probe, -0.5)).toEqual({ weight: 1, rgb: [1, 0, 0] });
    expect(sample(probe, 0.5)).toEqual({ weight: 1, rgb: [0, 0, 1] });
    // At x = 0.04 the green vertex at 0 weighs more than the blue one at 0.1; red at −0.1 is out of reach.
    const mid = sample(probe, 0.04).rgb;
    expect(mid[1]).toBeGreaterThan(mid[2]!);
    expect(mid[0]).toBe(0);
    expect(mid.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
  });

  it('falls back to the nearest vertex beyond its radius, and to nothing when none is near', () => {
    const probe = twoTone();
    expect(sample(probe, -0.8, 0.2)).toEqual({ weight: 1, rgb: [1, 0, 0] });
    expect(sample(probe, 0, 5).weight).toBe(0);
  });
});
