import { describe, expect, it } from 'vitest';
import { sampleScalarGrid } from '../../../../src/core/export/mesh/scalar-grid';
import { sampleColourField } from '../../../../src/core/scene/dmtet/colour-field';
import { initialiseColourFromGaussians, initialiseSdfFromGaussians, sdfFromDensity, SHELL_SDF } from '../../../../src/core/scene/dmtet/initialise-from-density';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { KilnError } from '../../../../src/shared/errors';
import { ballOfGaussians, radii } from './gaussian-ball-fixture';
import { surfaceTopology } from './sphere-fixture';
import { signedVolume } from '../../../helpers/mesh-shapes';

const grid = buildTetGrid(32);

describe('DMTet initialisation from a density field', () => {
  it('draws the surface where an analytic density crosses the threshold, clamped to [−1, 1], shell held outside', () => {
    // A density falling linearly from 2 at the centre: it crosses 0.8 at radius 0.6·(1 − 0.8/2) = 0.36.
    const density = sampleScalarGrid([-1.2, -1.2, -1.2], 0.05, [49, 49, 49], (x, y, z) => Math.max(0, 2 * (1 - Math.hypot(x, y, z) / 0.6)));
    const { sdf, threshold } = sdfFromDensity(grid, density, 0.8);
    expect(threshold).toBe(0.8);
    expect(Math.min(...sdf)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...sdf)).toBeLessThanOrEqual(1);
    for (const v of grid.shell) expect(sdf[v]).toBeGreaterThanOrEqual(SHELL_SDF);
    const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.5));
    const { mean, spread } = radii(surface.positions);
    expect(mean).toBeCloseTo(0.36, 2);
    expect(spread).toBeLessThan(0.01);
    // "auto" is the mean of the positive density.
    const positive = density.values.filter((v) => v > 0);
    expect(sdfFromDensity(grid, density, 'auto').threshold).toBeCloseTo(positive.reduce((a, b) => a + b, 0) / positive.length, 5);
    expect(() => sdfFromDensity(grid, { ...density, values: new Float32Array(density.values.length) }, 'auto')).toThrow(KilnError);
  });

  it('turns Gaussians placed as a ball into that ball: one closed piece, the right radius and centre, their colour', () => {
    const R = 0.5, centre: [number, number, number] = [0.1, -0.05, 0];
    const colour: [number, number, number] = [0.85, 0.3, 0.15];
    for (const hollow of [false, true]) {
      const g = ballOfGaussians(R, centre, colour, hollow);
      const { sdf } = initialiseSdfFromGaussians(g, grid, 0.5);
      const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.5));
      expect(surface.vanished).toBeNull();
      expect(surfaceTopology(surface)).toMatchObject({ openEdges: 0, unpaired: 0, components: 1 });
      expect(signedVolume(surface)).toBeGreaterThan(0);
      const shifted = surface.positions.map((x, i) => x - centre[i % 3]!);
      const { mean, spread } = radii(shifted);
      // The density is the ball blurred by the splats' σ = 0.04, so its 0.5 level sits a little outside: within a cell.
      expect(Math.abs(mean - R), `hollow ${hollow}: mean radius ${mean}`).toBeLessThan(grid.cellM);
      expect(spread, `hollow ${hollow}`).toBeLessThan(0.15 * R);
      const field = initialiseColourFromGaussians(g, surface, 32);
      const albedo = sampleColourField(field, surface.positions);
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let s = 0; s < albedo.length / 3; s++) sum += Math.abs(albedo[3 * s + c]! - colour[c]!);
        expect(sum / (albedo.length / 3), `channel ${c}`).toBeLessThan(0.03);
      }
      // Far from the surface the field still reads the object's colour (carried outwards), not grey.
      expect(sampleColourField(field, [0.9, 0.9, 0.9])[0]).toBeCloseTo(colour[0], 1);
    }
    // "auto" threshold gives a ball too.
    const auto = initialiseSdfFromGaussians(ballOfGaussians(R, centre, colour), grid, 'auto');
    expect(auto.threshold).toBeGreaterThan(0);
    const autoSurface = marchTetrahedra(grid, createTetField(grid, auto.sdf, 0.5));
    expect(surfaceTopology(autoSurface).components).toBe(1);
    const autoRadius = radii(autoSurface.positions.map((x, i) => x - centre[i % 3]!)).mean;
    console.log(`auto threshold ${auto.threshold.toFixed(3)}: mean radius ${autoRadius.toFixed(3)} (ball ${R})`);
    expect(Math.abs(autoRadius - R)).toBeLessThan(grid.cellM);
  });
});
