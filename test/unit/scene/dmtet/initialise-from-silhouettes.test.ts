import { describe, expect, it } from 'vitest';
import { initialiseSdfFromGaussians } from '../../../../src/core/scene/dmtet/initialise-from-density';
import { gaussianSilhouettes, initialiseSdfFromSilhouettes } from '../../../../src/core/scene/dmtet/initialise-from-silhouettes';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { ballOfGaussians, radii } from './gaussian-ball-fixture';
import { surfaceTopology } from './sphere-fixture';
import { signedVolume } from '../../../helpers/mesh-shapes';

const grid = buildTetGrid(32);
const R = 0.5;
const centre: [number, number, number] = [0.1, -0.05, 0];

describe('DMTet start from the splats\' silhouettes', () => {
  it('recovers a faint cloud of splats as the ball it shows, where the density start keeps only specks of it', () => {
    // σ(−3.2) ≈ 0.04 per splat: the summed density inside stays near 0.3, under the exporter's 0.5, yet a ray
    // through the ball crosses enough splats to be nearly opaque (alpha ≈ 0.95 through the centre).
    const g = ballOfGaussians(R, centre, [0.9, 0.9, 0.9], false, -3.2);
    const fromDensity = marchTetrahedra(grid, createTetField(grid, initialiseSdfFromGaussians(g, grid, 0.5).sdf, 0.5));
    const ball = (4 / 3) * Math.PI * R ** 3;
    expect(fromDensity.vanished ? 0 : signedVolume(fromDensity)).toBeLessThan(0.5 * ball);

    const sdf = initialiseSdfFromSilhouettes(g, grid, { size: 96, alphaThreshold: 0.5, threads: 1 });
    const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.5));
    expect(surface.vanished).toBeNull();
    expect(surfaceTopology(surface)).toMatchObject({ openEdges: 0, unpaired: 0, components: 1 });
    const { mean, spread } = radii(surface.positions, centre);
    // A hull of many views hugs a ball; the surface crosses grid edges half-way between signs (±½ cell), so it is
    // within a cell of the ball's edge, where the splats' alpha falls through 0.5 a little inside R.
    expect(Math.abs(mean - R), `mean radius ${mean}`).toBeLessThan(grid.cellM);
    expect(spread).toBeLessThan(0.2 * R);
    // Most of the ball (the ±½-cell surface cuts grid edges half-way, a little inside the hull).
    expect(signedVolume(surface) / ball).toBeGreaterThan(0.6);
  });

  it('thresholds the splats\' alpha: a higher threshold gives a smaller hull, masks are 0 or 1', () => {
    const g = ballOfGaussians(R, centre, [0.9, 0.9, 0.9], false, -3.2);
    const views = gaussianSilhouettes(g, { size: 48, alphaThreshold: 0.5, threads: 1 });
    expect(views.length).toBeGreaterThanOrEqual(48);
    for (const { alpha } of views) for (const a of alpha) expect(a === 0 || a === 1).toBe(true);
    const covered = (threshold: number) =>
      gaussianSilhouettes(g, { size: 48, alphaThreshold: threshold, threads: 1 }).reduce((sum, v) => sum + v.alpha.reduce((a, b) => a + b, 0), 0);
    expect(covered(0.9)).toBeLessThan(covered(0.5));
    expect(covered(0.5)).toBeLessThan(covered(0.1));
  });
});
