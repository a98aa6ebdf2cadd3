import { describe, expect, it } from 'vitest';
import { KilnError } from '../../../../src/shared/errors';
import { MeshRasterizer } from '../../../../src/core/render/mesh-rasterizer';
import { toKernelCamera } from '../../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../../src/core/scene/cameras/orbit';
import { Rng } from '../../../../src/core/random/rng';
import { initialiseFromPoints } from '../../../../src/core/scene/gaussians/initialise';
import { DmtetModel } from '../../../../src/core/scene/dmtet/dmtet-model';
import { DmtetModelSettings, gridResolutionAt } from '../../../../src/core/scene/dmtet/dmtet-model-settings';
import { decodeMeshSnapshot, encodeMeshSnapshot } from '../../../../src/shared/mesh/mesh-snapshot-payload';

const SIZE = 20;
const background = [0.72, 0.72, 0.72] as const;
const cameraAt = (azimuthDeg: number) => toKernelCamera(orbitCamera({ radiusM: 2.6, elevationDeg: 15, azimuthDeg }, { fovYDeg: 40, width: SIZE, height: SIZE }));

const settings = DmtetModelSettings.parse({ shading: 'random-point-light', gridProgression: [{ from: 0, resolution: 32 }, { from: 0.5, resolution: 64 }] });
const options = () => ({ iterations: 6, seed: 4, rasterizer: new MeshRasterizer(2) });

/** Iterations of a loss that pulls the render toward a red silhouette: gradients on every parameter group. */
function train(model: DmtetModel, iterations: number): void {
  for (let i = 0; i < iterations; i++) {
    const out = model.render([cameraAt(40 * model.iteration), cameraAt(40 * model.iteration + 150)], { background });
    const dRgb = out.rgb.map((v, k) => (Math.floor(k / (SIZE * SIZE)) % 3 === 0 ? v - 0.9 : v - 0.1));
    const dAlpha = out.alpha.map((a) => a - 0.3);
    model.backward({ dRgb, dAlpha });
    model.step();
  }
}

describe('DmtetModel', () => {
  it('exports and imports its state bit-exactly, across a grid rise (32 → 64), and continues identically', () => {
    const a = DmtetModel.sphere(settings, 0.6, options());
    train(a, 2);
    const saved = a.exportState();
    const b = DmtetModel.importState(saved, settings, options());
    expect(Buffer.from(b.exportState()).equals(Buffer.from(saved))).toBe(true);
    train(a, 3);
    train(b, 3);
    expect(a.grid.resolution).toBe(64);
    expect(a.iteration).toBe(5);
    expect(Buffer.from(b.exportState()).equals(Buffer.from(a.exportState()))).toBe(true);
    // A fresh model trained straight through lands on the same state: the run is deterministic.
    const c = DmtetModel.sphere(settings, 0.6, options());
    train(c, 5);
    expect(Buffer.from(c.exportState()).equals(Buffer.from(a.exportState()))).toBe(true);
  });

  it('refuses a state that is truncated or not its own', () => {
    const saved = DmtetModel.sphere(settings, 0.6, options()).exportState();
    expect(() => DmtetModel.importState(saved.subarray(0, saved.length - 8), settings, options())).toThrow(/truncated/);
    expect(() => DmtetModel.importState(new Uint8Array(64), settings, options())).toThrow(/not a DMTet model state/);
  });

  it('renders RGB in [0, 1], alpha, depth and normals where the surface is', () => {
    const model = DmtetModel.sphere(DmtetModelSettings.parse({ gridResolution: 32 }), 0.6, options(), [0.9, 0.2, 0.1]);
    const out = model.render([cameraAt(0)], { background });
    const plane = SIZE * SIZE;
    expect(out.rgb.every((v) => v >= 0 && v <= 1)).toBe(true);
    const centre = (SIZE / 2) * SIZE + SIZE / 2;
    expect(out.alpha[centre]).toBeCloseTo(1, 5);
    expect(out.alpha[0]).toBe(0);
    expect(out.rgb[0]).toBeCloseTo(background[0], 6);
    // The sphere's near point faces the camera at 2.6 − 0.6 m; its normal is a unit vector toward the camera.
    expect(out.depth[centre]).toBeGreaterThan(1.95);
    expect(out.depth[centre]).toBeLessThan(2.05);
    // Box-filtered over the 2×2 supersamples of a smooth patch: unit to within their spread.
    const n = [0, 1, 2].map((c) => out.normals[c * plane + centre]!);
    expect(Math.hypot(...n)).toBeCloseTo(1, 2);
    // Red albedo shaded: the red channel dominates.
    expect(out.rgb[centre]!).toBeGreaterThan(3 * out.rgb[2 * plane + centre]!);
  });

  it('raises an optimisation error when the surface vanished', () => {
    const model = DmtetModel.sphere(settings, 0.6, options());
    model.field.sdf.fill(0.5);
    let error: unknown;
    try {
      model.render([cameraAt(0)], { background });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('optimisation');
    expect((error as KilnError).message).toMatch(/outside the object.*branch from an earlier one/);
  });

  it('needs a render before each backward pass', () => {
    const model = DmtetModel.sphere(settings, 0.6, options());
    const out = model.render([cameraAt(0)], { background });
    model.backward({ dRgb: out.rgb, dAlpha: out.alpha });
    expect(() => model.backward({ dRgb: out.rgb, dAlpha: out.alpha })).toThrow(/needs a render first/);
  });

  it('encodes the mesh snapshot payload compactly and decodes it exactly', () => {
    const model = DmtetModel.sphere(DmtetModelSettings.parse({ gridResolution: 32 }), 0.6, options(), [0.2, 0.6, 0.9]);
    const mesh = model.meshSnapshot();
    const bytes = encodeMeshSnapshot(mesh);
    const v = mesh.positions.length / 3, t = mesh.indices.length / 3;
    expect(bytes.length).toBe(16 + 12 * v + 12 * t + ((3 * v + 3) & ~3));
    const back = decodeMeshSnapshot(bytes);
    expect(Buffer.from(back.positions.buffer).equals(Buffer.from(mesh.positions.buffer))).toBe(true);
    expect(Array.from(back.indices)).toEqual(Array.from(mesh.indices));
    // σ(logit(a)) in float32, ×255 rounded.
    [51, 153, 230].forEach((byte, c) => expect(Math.abs(back.albedo[c]! - byte)).toBeLessThanOrEqual(1));
    expect(Buffer.from(back.albedo).equals(Buffer.from(mesh.albedo))).toBe(true);
    expect(() => decodeMeshSnapshot(bytes.subarray(0, bytes.length - 4))).toThrow(/wrong length/);
  });

  it('checks its settings: a grid progression must start at 0 and rise', () => {
    expect(gridResolutionAt(settings, 0.49)).toBe(32);
    expect(gridResolutionAt(settings, 0.5)).toBe(64);
    expect(DmtetModelSettings.safeParse({ gridProgression: [{ from: 0.1, resolution: 32 }] }).success).toBe(false);
    expect(DmtetModelSettings.safeParse({ gridProgression: [{ from: 0, resolution: 64 }, { from: 0.5, resolution: 32 }] }).success).toBe(false);
    expect(DmtetModelSettings.safeParse({ gridProgression: [{ from: 0, resolution: 48 }] }).success).toBe(false);
    expect(DmtetModelSettings.safeParse({ shading: 'phong' }).success).toBe(false);
  });
});

describe('DmtetModel from stage-1 Gaussians', () => {
  it('starts from the surface of their density field and the colour they show there', () => {
    const rng = new Rng(5);
    const count = 4000, radius = 0.5;
    const points = new Float32Array(3 * count), colours = new Float32Array(3 * count);
    for (let i = 0; i < count; i++) {
      const d = [rng.normal(), rng.normal(), rng.normal()];
      const n = Math.hypot(...d);
      for (let a = 0; a < 3; a++) points[3 * i + a] = (radius * d[a]!) / n;
      colours.set([0.2, 0.7, 0.3], 3 * i);
    }
    const g = initialiseFromPoints(points, colours, 1, { opacity: 0.8, scaleM: 0.03 });
    const model = DmtetModel.fromGaussians(g, DmtetModelSettings.parse({ gridResolution: 32 }), options());
    const mesh = model.meshSnapshot();
    const p = mesh.positions;
    let sum = 0;
    for (let v = 0; v < p.length / 3; v++) sum += Math.hypot(p[3 * v]!, p[3 * v + 1]!, p[3 * v + 2]!);
    // The density surface wraps the splats' centres a little outside them.
    expect(sum / (p.length / 3)).toBeGreaterThan(radius);
    expect(sum / (p.length / 3)).toBeLessThan(radius + 0.08);
    // Green, as the splats show it (their colour is the rendered one, which the stage then corrects to albedo).
    const v = Math.floor(p.length / 6);
    expect(mesh.albedo[3 * v + 1]!).toBeGreaterThan(mesh.albedo[3 * v]! + 60);
  });
});
