import { describe, expect, it } from 'vitest';
import { triangleCount, type TriangleMesh } from '../../../../src/core/export/mesh/triangle-mesh';
import { Rng } from '../../../../src/core/random/rng';
import { sampleMeshSurface } from '../../../../src/core/scene/gaussians/initialise';
import { createTetFieldGradients, marchTetrahedra, marchTetrahedraBackward, surfaceVanishedError } from '../../../../src/core/scene/dmtet/marching-tets';
import { createTetField, maxOffsetM } from '../../../../src/core/scene/dmtet/tet-deformation';
import { buildTetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { KilnError } from '../../../../src/shared/errors';
import { expectGradientMatches, weightedSum } from './gradient-check';
import { noisySphere, sphereSdf, surfaceTopology } from './sphere-fixture';
import { signedVolume } from '../../../helpers/mesh-shapes';

const grid32 = buildTetGrid(32);
const grid64 = buildTetGrid(64);

/** Points spread evenly over a sphere (Fibonacci lattice). */
function spherePoints(r: number, count: number): Float32Array {
  const out = new Float32Array(3 * count);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const y = 1 - (2 * (i + 0.5)) / count, ring = Math.sqrt(1 - y * y);
    out.set([r * ring * Math.cos(golden * i), r * y, r * ring * Math.sin(golden * i)], 3 * i);
  }
  return out;
}

/** The distance from the origin along unit direction d to the first triangle it crosses (Möller–Trumbore). */
function radialHit(mesh: TriangleMesh, d: Float32Array): number {
  let best = Infinity;
  const p = mesh.positions;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const a = 3 * mesh.indices[t]!, b = 3 * mesh.indices[t + 1]!, c = 3 * mesh.indices[t + 2]!;
    const e1 = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!], e2 = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
    const q = [d[1]! * e2[2]! - d[2]! * e2[1]!, d[2]! * e2[0]! - d[0]! * e2[2]!, d[0]! * e2[1]! - d[1]! * e2[0]!];
    const det = e1[0]! * q[0]! + e1[1]! * q[1]! + e1[2]! * q[2]!;
    if (Math.abs(det) < 1e-12) continue;
    const s = [-p[a]!, -p[a + 1]!, -p[a + 2]!];
    const u = (s[0]! * q[0]! + s[1]! * q[1]! + s[2]! * q[2]!) / det;
    if (u < 0 || u > 1) continue;
    const rr = [s[1]! * e1[2]! - s[2]! * e1[1]!, s[2]! * e1[0]! - s[0]! * e1[2]!, s[0]! * e1[1]! - s[1]! * e1[0]!];
    const v = (d[0]! * rr[0]! + d[1]! * rr[1]! + d[2]! * rr[2]!) / det;
    if (v < 0 || u + v > 1) continue;
    const dist = (e2[0]! * rr[0]! + e2[1]! * rr[1]! + e2[2]! * rr[2]!) / det;
    if (dist > 0) best = Math.min(best, dist);
  }
  return best;
}

describe('marching tetrahedra', () => {
  it('extracts an analytic sphere at res 64 as one closed, outward-facing piece within a fraction of a cell', () => {
    const r = 0.6;
    const surface = marchTetrahedra(grid64, createTetField(grid64, sphereSdf(grid64, r), 0.5));
    expect(surface.vanished).toBeNull();
    expect(triangleCount(surface)).toBeGreaterThan(1000);
    expect(surfaceTopology(surface)).toMatchObject({ openEdges: 0, unpaired: 0, components: 1 });
    const volume = signedVolume(surface);
    expect(volume).toBeGreaterThan(0);
    expect(Math.abs(volume / ((4 / 3) * Math.PI * r ** 3) - 1)).toBeLessThan(0.02);
    // Chamfer with exact distances: mesh → sphere is | |p| − r |; sphere → mesh is bounded by the distance along the
    // radius to where that ray meets the mesh (the mesh is star-shaped around the centre).
    const { points } = sampleMeshSurface(surface.positions, surface.indices, 20_000, new Rng(5));
    let toSphere = 0;
    for (let i = 0; i < points.length / 3; i++) toSphere += Math.abs(Math.hypot(points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!) - r);
    const directions = spherePoints(1, 500);
    let toMesh = 0;
    for (let i = 0; i < 500; i++) toMesh += Math.abs(radialHit(surface, directions.subarray(3 * i, 3 * i + 3)) - r);
    const chamfer = 0.5 * (toSphere / (points.length / 3) + toMesh / 500);
    console.log(`sphere r = ${r} at res 64: Chamfer ${(chamfer / (2 * r) * 100).toFixed(3)} % of the diameter (${(chamfer / grid64.cellM).toFixed(3)} cells)`);
    expect(chamfer / (2 * r)).toBeLessThan(0.001);
  });

  it('stays closed and outward-facing under random bounded deformations and a noisy SDF', () => {
    const { sdf, deformation } = noisySphere(grid32, 0.5, 7);
    const field = createTetField(grid32, sdf, 0.5);
    field.deformation.set(deformation);
    const surface = marchTetrahedra(grid32, field);
    expect(surfaceTopology(surface)).toMatchObject({ openEdges: 0, unpaired: 0, components: 1 });
    expect(signedVolume(surface)).toBeGreaterThan(0);
    let worst = 0;
    for (let s = 0; s < surface.positions.length / 3; s++) {
      const p = surface.positions.subarray(3 * s, 3 * s + 3);
      worst = Math.max(worst, Math.abs(Math.hypot(p[0]!, p[1]!, p[2]!) - 0.5));
    }
    expect(worst).toBeLessThan(grid32.cellM * Math.sqrt(3) + maxOffsetM(grid32, field) * Math.sqrt(3));
  });

  it('reports a surface that vanished (all SDF one sign) with an empty mesh', () => {
    const outside = marchTetrahedra(grid32, createTetField(grid32, new Float32Array(grid32.positions.length / 3).fill(0.2), 0.5));
    expect(outside.vanished).toBe('all-outside');
    expect(outside.indices.length).toBe(0);
    expect(outside.positions.length).toBe(0);
    const inside = marchTetrahedra(grid32, createTetField(grid32, new Float32Array(grid32.positions.length / 3).fill(-0.2), 0.5));
    expect(inside.vanished).toBe('all-inside');
    const error = surfaceVanishedError('all-outside', 120);
    expect(error).toBeInstanceOf(KilnError);
    expect(error.code).toBe('optimisation');
    expect(error.message).toMatch(/iteration 120.*outside.*earlier/);
  });

  it('is deterministic and leaves no state behind between calls', () => {
    const field = createTetField(grid32, sphereSdf(grid32, 0.4), 0.5);
    const a = marchTetrahedra(grid32, field);
    marchTetrahedra(grid32, createTetField(grid32, sphereSdf(grid32, 0.7), 0.5));
    const b = marchTetrahedra(grid32, field);
    expect(b.indices).toEqual(a.indices);
    expect(b.positions).toEqual(a.positions);
  });

  it('backward matches finite differences in the SDF values and the deformations', () => {
    const { sdf, deformation } = noisySphere(grid32, 0.45, 3);
    const field = createTetField(grid32, sdf, 0.5);
    field.deformation.set(deformation);
    const surface = marchTetrahedra(grid32, field);
    const rng = new Rng(11);
    const weights = Float64Array.from({ length: surface.positions.length }, () => rng.normal());
    const grads = createTetFieldGradients(field);
    marchTetrahedraBackward(grid32, field, surface, weights, grads);
    const loss = () => {
      const again = marchTetrahedra(grid32, field);
      expect(again.indices.length).toBe(surface.indices.length); // no sign flipped
      return weightedSum(again.positions, weights);
    };
    // Vertices on the surface's edges, with |s| well above the step so no sign flips.
    const touched = [...new Set(surface.edgeVertices)].filter((v) => Math.abs(sdf[v]!) > 0.01);
    const sample = touched.filter((_, i) => i % Math.ceil(touched.length / 60) === 0);
    expect(expectGradientMatches(field.sdf, sample, grads.sdf, loss, { eps: 1e-3 })).toBeGreaterThan(40);
    const components = sample.flatMap((v) => [3 * v, 3 * v + 1, 3 * v + 2]);
    expect(expectGradientMatches(field.deformation, components, grads.deformation, loss, { eps: 1e-3 })).toBeGreaterThan(100);
    // Vertices off the surface get nothing.
    const onSurface = new Set(surface.edgeVertices);
    let stray = 0;
    for (let v = 0; v < grads.sdf.length; v++) if (!onSurface.has(v) && (grads.sdf[v] !== 0 || grads.deformation[3 * v] !== 0)) stray++;
    expect(stray).toBe(0);
  });

  it('measures forward + backward at res 64 and 128 (printed, not asserted)', () => {
    for (const grid of [grid64, buildTetGrid(128)]) {
      const field = createTetField(grid, sphereSdf(grid, 0.6), 0.5);
      const { deformation } = noisySphere(grid, 0.6, 1);
      field.deformation.set(deformation);
      const grads = createTetFieldGradients(field);
      marchTetrahedra(grid, field); // warm-up
      const runs = 5;
      let forward = 0, backward = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const surface = marchTetrahedra(grid, field);
        const t1 = performance.now();
        marchTetrahedraBackward(grid, field, surface, new Float32Array(surface.positions.length).fill(1), grads);
        forward += t1 - t0;
        backward += performance.now() - t1;
      }
      console.log(`marching tets res ${grid.resolution} (${grid.tets.length / 4} tets): forward ${(forward / runs).toFixed(1)} ms, backward ${(backward / runs).toFixed(1)} ms`);
    }
  });
});
