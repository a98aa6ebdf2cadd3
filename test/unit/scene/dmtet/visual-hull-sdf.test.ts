import { describe, expect, it } from 'vitest';
import { demoObject } from '../../../../src/core/diffusion/demo/objects';
import { renderObject } from '../../../../src/core/diffusion/demo/raycast';
import { toKernelCamera } from '../../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../../src/core/scene/cameras/orbit';
import { marchTetrahedra } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { visualHullSdf } from '../../../../src/core/scene/dmtet/visual-hull-sdf';
import { surfaceTopology } from './sphere-fixture';

describe('visual hull SDF', () => {
  it("carves the torus's hole where views look through it, and keeps its ring", () => {
    const torus = demoObject('torus');
    const views = [0, 60, 120, 180, 240, 300].flatMap((azimuthDeg) =>
      [-30, 10, 60].map((elevationDeg) => {
        const camera = orbitCamera({ radiusM: 2.6, elevationDeg, azimuthDeg }, { fovYDeg: 40, width: 48, height: 48 });
        const alpha = new Float32Array(48 * 48);
        renderObject(torus, camera, 2, alpha);
        return { camera: toKernelCamera(camera), alpha };
      }),
    );
    const grid = buildTetGrid(32);
    const sdf = visualHullSdf(grid, views);
    const at = (x: number, y: number, z: number) => {
      let best = 0, bestD = Infinity;
      for (let v = 0; v < sdf.length; v++) {
        const d = Math.hypot(grid.positions[3 * v]! - x, grid.positions[3 * v + 1]! - y, grid.positions[3 * v + 2]! - z);
        if (d < bestD) [best, bestD] = [v, d];
      }
      return sdf[best]!;
    };
    expect(at(0, 0, 0)).toBeGreaterThan(0); // the hole (axis z)
    expect(at(0.55, 0, 0)).toBeLessThan(0); // inside the ring
    expect(at(0, 0.55, 0)).toBeLessThan(0);
    expect(at(0, 0, 0.5)).toBeGreaterThan(0);
    // One closed piece of genus 1: Euler characteristic V − E + F = 0.
    const surface = marchTetrahedra(grid, createTetField(grid, sdf, 0.5));
    const topology = surfaceTopology(surface);
    expect(topology).toMatchObject({ openEdges: 0, unpaired: 0, components: 1 });
    expect(surface.positions.length / 3 - topology.edges + surface.indices.length / 3).toBe(0);
  });
});
