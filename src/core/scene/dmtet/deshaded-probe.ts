import type { ColourProbe } from '../../export/mesh/texture-bake';
import { shadeAt, type ViewLight } from './surface-shading';

/**
 * A probe of shaded colour read back as albedo under one fixed light: colour / (ambient + diffuse·max(0, n̂·l)),
 * capped at 1. Stage-1 splats hold the colour the prior showed them, shading included (a white sphere's unlit side
 * is a third as bright as its lit side); the mesh stage's colour field holds albedo and shades it itself, so a start
 * read as albedo would begin up to 3× too dark where the prior's light did not reach (docs/bench/readme-glb.md).
 */
export class DeshadedProbe implements ColourProbe {
  constructor(
    private readonly shaded: ColourProbe,
    private readonly light: ViewLight,
  ) {}

  sample(px: number, py: number, pz: number, nx: number, ny: number, nz: number, out: Float64Array): number {
    const found = this.shaded.sample(px, py, pz, nx, ny, nz, out);
    if (found === 0) return 0;
    const shade = shadeAt(this.light, px, py, pz, nx, ny, nz);
    for (let ch = 0; ch < 3; ch++) out[ch] = Math.min(1, out[ch]! / shade);
    return found;
  }
}
