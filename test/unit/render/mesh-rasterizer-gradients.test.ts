import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { centralDifference, gradCheck } from '../../../src/core/render/gradient-check';
import { coverage, splitCoverage, withCoverage } from '../../../src/core/render/mesh-coverage';
import type { TriangleMesh } from '../../../src/core/export/mesh/triangle-mesh';
import { MeshRasterizer } from '../../../src/core/render/mesh-rasterizer';
import { toKernelCamera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import { uvSphere } from '../../helpers/mesh-shapes';

// Finite-difference checks of every stage's backward pass, on a jittered sphere seen from two views at 24×20, where
// a few dozen pixels lie on silhouette edges. The kernels compute in float64 internally and store float32; steps are
// small enough that few pixel centres change triangle within one, and those parameters are skipped (and counted).
const W = 24;
const H = 20;
const CHANNELS = 3;
const raster = new MeshRasterizer(2);
const cameras = [
  toKernelCamera(orbitCamera({ radiusM: 2.4, elevationDeg: 15, azimuthDeg: 25 }, { fovYDeg: 50, width: W, height: H })),
  toKernelCamera(orbitCamera({ radiusM: 2.1, elevationDeg: -35, azimuthDeg: 160 }, { fovYDeg: 50, width: W, height: H })),
];

/** A jittered sphere; `rings` × `segments` 7 × 10 gives triangles of several pixels, 16 × 24 about one. */
function scene(seed: number, rings = 7, segments = 10): { mesh: TriangleMesh; attributes: Float32Array } {
  const rng = new Rng(seed);
  const mesh = uvSphere([0.05, -0.03, 0.02], 0.6, rings, segments);
  const jitter = 0.28 / rings;
  for (let k = 0; k < mesh.positions.length; k++) mesh.positions[k]! += rng.range(-jitter, jitter);
  const attributes = Float32Array.from({ length: (mesh.positions.length / 3) * CHANNELS }, () => rng.range(-1, 1));
  return { mesh, attributes };
}

const weights = (length: number, seed: number) => new Rng(seed).fillNormal(new Float32Array(length));
const dotWith = (w: Float32Array, a: Float32Array) => a.reduce((s, v, k) => s + w[k]! * v, 0);
const plane = cameras.length * W * H;

type Params = Record<string, Float32Array>;

/**
 * Finite differences (gradCheck, skipping parameters whose loss jumps within the step) agree with the analytic
 * gradient within 1 % — except where the antialias blend weight |d − ½| has its kink (an edge crossing the midpoint
 * between two pixel centres) within one step of the parameter: a central difference that straddles a kink averages
 * the two slopes, and the h-versus-2h test does not see it. Those few parameters (at most 2 %) must then agree with a
 * ten-times smaller step, which no longer straddles the kink.
 */
function expectGradients(params: Params, analytic: Params, loss: () => number, steps: Record<string, number>): void {
  const groups = Object.keys(params);
  const total = groups.reduce((n, g) => n + params[g]!.length, 0);
  const result = gradCheck(params, analytic, loss, steps, 1e-2, true, groups);
  expect(result.discontinuous, `${result.discontinuous} of ${total} parameters jumped`).toBeLessThan(0.15 * total);
  const floor = 1e-2 * Math.max(...groups.map((g) => Math.max(...Array.from(analytic[g]!, Math.abs))));
  let kinks = 0;
  for (const g of groups) {
    result.relErrors[g]!.forEach((rel, k) => {
      if (!(rel > 1e-2)) return;
      kinks++;
      const numeric = centralDifference(params[g]!, k, steps[g]! / 10, loss);
      const a = analytic[g]![k]!;
      expect(Math.abs(numeric - a) / Math.max(Math.abs(a), Math.abs(numeric), floor), `${g}[${k}]: ${a} vs ${numeric}`).toBeLessThan(1e-2);
    });
  }
  expect(kinks, `${kinks} of ${result.checked} straddled a kink`).toBeLessThanOrEqual(0.02 * result.checked);
}

describe('mesh rasterizer gradients (finite differences)', () => {
  it('rasterize: barycentrics and depth → positions', () => {
    const { mesh } = scene(1);
    const dBary = weights(2 * plane, 2);
    const dDepth = weights(plane, 3);
    const loss = () => {
      const r = raster.rasterize(mesh, cameras);
      return dotWith(dBary, r.bary) + dotWith(dDepth, r.depth);
    };
    const analytic = raster.rasterizeBackward(raster.rasterize(mesh, cameras), { dBary, dDepth });
    expectGradients({ positions: mesh.positions }, { positions: analytic }, loss, { positions: 1e-4 });
  });

  it('interpolate: → attributes, and → positions through the barycentrics (interior pixels)', () => {
    const { mesh, attributes } = scene(4);
    const dImage = weights(CHANNELS * plane, 5);
    const render = () => raster.interpolate(raster.rasterize(mesh, cameras), attributes, CHANNELS);
    const loss = () => dotWith(dImage, render());
    const r = raster.rasterize(mesh, cameras);
    const { dAttributes, dBary } = raster.interpolateBackward(r, attributes, CHANNELS, dImage);
    const dPositions = raster.rasterizeBackward(r, { dBary });
    expectGradients({ positions: mesh.positions, attributes }, { positions: dPositions, attributes: dAttributes }, loss, {
      positions: 1e-4,
      attributes: 1e-2,
    });
  });

  it.each([
    ['triangles of several pixels', 7, 10],
    ['triangles of about a pixel', 16, 24],
  ])('antialias (%s): → its input image, and → positions through the silhouette edges', (_, rings, segments) => {
    const { mesh } = scene(6, rings, segments);
    const base = raster.rasterize(mesh, cameras);
    // A fixed input: coverage and two colour channels that differ inside and out.
    const image = new Float32Array(CHANNELS * plane);
    image.set(coverage(base));
    const rng = new Rng(7);
    for (let k = plane; k < image.length; k++) image[k] = rng.range(0, 1);
    const dOut = weights(image.length, 8);
    const loss = () => dotWith(dOut, raster.antialias(raster.rasterize(mesh, cameras), image, CHANNELS).image);
    const aa = raster.antialias(base, image, CHANNELS);
    expect(aa.events.length / 6).toBeGreaterThan(30);
    const grads = raster.antialiasBackward(aa, dOut);
    const edgeVertices = countNonZero(grads.dPositions, 3);
    expect(edgeVertices).toBeGreaterThan(10);
    expectGradients({ positions: mesh.positions }, { positions: grads.dPositions }, loss, { positions: 1e-4 });
    // The image enters linearly, with the blends fixed by the raster: no need to rasterize again.
    const imageLoss = () => dotWith(dOut, raster.antialias(base, image, CHANNELS).image);
    expectGradients({ image }, { image: grads.dImage }, imageLoss, { image: 1e-2 });
  });

  it('the composed pipeline rasterize → interpolate → antialias (with coverage): → positions and attributes', () => {
    const { mesh, attributes } = scene(9);
    const dOut = weights((CHANNELS + 1) * plane, 10);
    const render = () => {
      const r = raster.rasterize(mesh, cameras);
      const image = withCoverage(r, raster.interpolate(r, attributes, CHANNELS), CHANNELS);
      return { r, aa: raster.antialias(r, image, CHANNELS + 1) };
    };
    const loss = () => dotWith(dOut, render().aa.image);
    const { r, aa } = render();
    const back = raster.antialiasBackward(aa, dOut);
    const interp = raster.interpolateBackward(r, attributes, CHANNELS, splitCoverage(r, back.dImage, CHANNELS).image);
    const dPositions = raster.rasterizeBackward(r, { dBary: interp.dBary });
    for (let k = 0; k < dPositions.length; k++) dPositions[k]! += back.dPositions[k]!;
    expectGradients({ positions: mesh.positions, attributes }, { positions: dPositions, attributes: interp.dAttributes }, loss, {
      positions: 1e-4,
      attributes: 1e-2,
    });
    // Silhouette edges contribute a real share of the position gradient, and it checks out with the rest.
    const edgeShare = norm(back.dPositions) / norm(dPositions);
    expect(edgeShare).toBeGreaterThan(0.05);
  });
});

function countNonZero(values: Float32Array, stride: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i += stride) if (values.subarray(i, i + stride).some((v) => v !== 0)) n++;
  return n;
}

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
