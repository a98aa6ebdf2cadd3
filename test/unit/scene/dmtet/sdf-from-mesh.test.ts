import { describe, expect, it } from 'vitest';
import { DmtetModel } from '../../../../src/core/scene/dmtet/dmtet-model';
import { DmtetModelSettings } from '../../../../src/core/scene/dmtet/dmtet-model-settings';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { sdfFromMesh } from '../../../../src/core/scene/dmtet/sdf-from-mesh';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid, type TetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { sampleColourField } from '../../../../src/core/scene/dmtet/colour-field';
import { signedVolume, torus, uvSphere } from '../../../helpers/mesh-shapes';
import { surfaceTopology } from './sphere-fixture';

const grid = buildTetGrid(32);
const CENTRE: [number, number, number] = [0.1, 0.05, -0.08];
const RADIUS = 0.5;
/** The polygonal sphere lies within this of the true one (its chords at 64 × 128 bands). */
const FACETING = RADIUS * (1 - Math.cos(Math.PI / 64));

/** True distance of grid vertex v from the sphere (negative inside). */
const sphereDistance = (g: TetGrid, v: number) =>
  Math.hypot(g.positions[3 * v]! - CENTRE[0], g.positions[3 * v + 1]! - CENTRE[1], g.positions[3 * v + 2]! - CENTRE[2]) - RADIUS;

describe('a starting SDF from a closed mesh (a branch from a mesh snapshot)', () => {
  const sphere = uvSphere(CENTRE, RADIUS, 64, 128);
  const sdf = sdfFromMesh(sphere, grid);

  it('puts every grid vertex on the right side of the surface, within the truncation', () => {
    let checked = 0;
    for (let v = 0; v < sdf.length; v++) {
      const d = sphereDistance(grid, v);
      if (Math.abs(d) < FACETING + 1e-4) continue;
      expect(Math.sign(sdf[v]!), `vertex ${v} at distance ${d}`).toBe(Math.sign(d));
      expect(Math.abs(sdf[v]!)).toBeLessThanOrEqual(2 * grid.cellM + 1e-6);
      checked++;
    }
    expect(checked).toBeGreaterThan(0.9 * sdf.length);
  });

  it('measures the distance near the surface along the axes: never short of it, at most twice it within a cell', () => {
    for (let v = 0; v < sdf.length; v++) {
      const d = Math.abs(sphereDistance(grid, v));
      if (d > grid.cellM || d < FACETING) continue;
      expect(Math.abs(sdf[v]!)).toBeGreaterThanOrEqual(d - FACETING - 1e-5);
      expect(Math.abs(sdf[v]!)).toBeLessThanOrEqual(2 * (d + FACETING) + 1e-5);
    }
  });

  it('re-marches to one closed surface on the sphere, about a third of a cell out at most', () => {
    const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.25));
    expect(surface.vanished).toBeFalsy();
    const topology = surfaceTopology(surface);
    expect([topology.openEdges, topology.components]).toEqual([0, 1]);
    const p = surface.positions;
    let worst = 0;
    for (let v = 0; v < p.length / 3; v++) {
      worst = Math.max(worst, Math.abs(Math.hypot(p[3 * v]! - CENTRE[0], p[3 * v + 1]! - CENTRE[1], p[3 * v + 2]! - CENTRE[2]) - RADIUS));
    }
    expect(worst).toBeLessThan(0.35 * grid.cellM);
    expect(signedVolume(surface)).toBeCloseTo((4 / 3) * Math.PI * RADIUS ** 3, 1);
  });

  it('keeps a torus’s hole open and its tube whole', () => {
    const ring = torus([0, 0.1, 0], 0.5, 0.2, 96, 48);
    const field = createTetField(grid, sdfFromMesh(ring, grid), 0.25);
    const surface = marchTetrahedra(grid, field);
    const topology = surfaceTopology(surface);
    expect([topology.openEdges, topology.components]).toEqual([0, 1]);
    // Euler characteristic V − E + F = 0 for genus 1.
    expect(surface.positions.length / 3 - topology.edges + surface.indices.length / 3).toBe(0);
    expect(signedVolume(surface)).toBeCloseTo(2 * Math.PI ** 2 * 0.5 * 0.2 ** 2, 1);
  });

  it('starts a DMTet model from a mesh snapshot with its surface and its vertices’ albedo', () => {
    const albedo = new Uint8Array(sphere.positions.length);
    // Red above the centre, blue below.
    for (let v = 0; v < albedo.length / 3; v++) albedo.set(sphere.positions[3 * v + 1]! > CENTRE[1] ? [220, 30, 30] : [30, 30, 220], 3 * v);
    const model = DmtetModel.fromMesh({ ...sphere, albedo }, DmtetModelSettings.parse({ gridResolution: 32 }), { iterations: 10 });
    const surface = model.extract();
    expect(surface.vanished).toBeFalsy();
    const poles = sampleColourField(model.colour, [CENTRE[0], CENTRE[1] + RADIUS, CENTRE[2], CENTRE[0], CENTRE[1] - RADIUS, CENTRE[2]]);
    const bytes = Array.from(poles, (c) => 255 * c);
    // Within 12/255 per channel of the snapshot's albedo (the texture tolerance).
    [220, 30, 30, 30, 30, 220].forEach((want, i) => expect(Math.abs(bytes[i]! - want), `channel ${i}: ${bytes[i]}`).toBeLessThan(12));
  });
});
