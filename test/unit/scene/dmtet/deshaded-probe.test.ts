import { describe, expect, it } from 'vitest';
import type { ColourProbe } from '../../../../src/core/export/mesh/texture-bake';
import { Rng } from '../../../../src/core/random/rng';
import { DeshadedProbe } from '../../../../src/core/scene/dmtet/deshaded-probe';
import { DEMO_LIGHT, shadeAt } from '../../../../src/core/scene/dmtet/surface-shading';

const ALBEDO = [0.93, 0.5, 0.1] as const;

/** What splats fitted to the demo prior's renders show on a unit sphere: the albedo lit by its fixed light. */
const shadedSphere: ColourProbe = {
  sample(px, py, pz, nx, ny, nz, out) {
    if (pz < -0.9) return 0;
    const shade = shadeAt(DEMO_LIGHT, px, py, pz, nx, ny, nz);
    for (let ch = 0; ch < 3; ch++) out[ch] = ALBEDO[ch]! * shade;
    return 1;
  },
};

describe('DeshadedProbe', () => {
  it('reads the albedo back from colour shaded by the fixed light, on the lit and the unlit side alike', () => {
    const probe = new DeshadedProbe(shadedSphere, DEMO_LIGHT);
    const rng = new Rng(4);
    const out = new Float64Array(3);
    let unlit = 0;
    for (let k = 0; k < 200; k++) {
      const d = [rng.normal(), rng.normal(), rng.normal()];
      const r = Math.hypot(d[0]!, d[1]!, d[2]!);
      const [x, y, z] = [d[0]! / r, d[1]! / r, d[2]! / r];
      const found = probe.sample(x, y, z, x, y, z, out);
      if (z < -0.9) {
        expect(found).toBe(0);
        continue;
      }
      expect(found).toBe(1);
      if (shadeAt(DEMO_LIGHT, x, y, z, x, y, z) === DEMO_LIGHT.ambient) unlit++;
      for (let ch = 0; ch < 3; ch++) expect(out[ch]).toBeCloseTo(ALBEDO[ch]!, 6);
    }
    expect(unlit).toBeGreaterThan(20);
  });

  it('caps the albedo at 1 where the shaded colour is brighter than the light allows', () => {
    const bright: ColourProbe = { sample: (_x, _y, _z, _nx, _ny, _nz, out) => (out.fill(0.9), 1) };
    const out = new Float64Array(3);
    // Facing away from the light: shade = ambient 0.35, so 0.9 / 0.35 > 1.
    const [lx, ly, lz] = DEMO_LIGHT.direction!;
    new DeshadedProbe(bright, DEMO_LIGHT).sample(0, 0, 0, -lx, -ly, -lz, out);
    expect([...out]).toEqual([1, 1, 1]);
  });
});
