import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/random/rng';
import { toKernelCamera } from '../../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../../src/core/scene/cameras/orbit';
import { DmtetModel } from '../../../../src/core/scene/dmtet/dmtet-model';
import { DmtetModelSettings } from '../../../../src/core/scene/dmtet/dmtet-model-settings';
import { MeshRasterizer } from '../../../../src/core/render/mesh-rasterizer';
import { weightedSum } from './gradient-check';
import { noisySphere } from './sphere-fixture';

const SIZE = 24;
const background = [0.72, 0.72, 0.72] as const;
const cameras = [
  toKernelCamera(orbitCamera({ radiusM: 2.6, elevationDeg: 20, azimuthDeg: 30 }, { fovYDeg: 40, width: SIZE, height: SIZE })),
  toKernelCamera(orbitCamera({ radiusM: 2.6, elevationDeg: -15, azimuthDeg: 160 }, { fovYDeg: 40, width: SIZE, height: SIZE })),
];

/**
 * A model whose regularisers are off, so its gradient is that of the render alone; random albedo field. Rendered
 * without supersampling: the box filter is linear and its adjoint is checked exactly in supersample.test.ts.
 */
function model(shading: 'demo-lambert' | 'random-point-light'): DmtetModel {
  const settings = DmtetModelSettings.parse({ gridResolution: 32, shading, laplacianWeight: 0, normalConsistencyWeight: 0, sdfBceWeight: { start: 0, end: 0 }, supersample: 1 });
  const m = DmtetModel.sphere(settings, 0.6, { iterations: 10, seed: 3, rasterizer: new MeshRasterizer(2) });
  const { sdf, deformation } = noisySphere(m.grid, 0.6, 5);
  m.field.sdf.set(sdf);
  // Offsets of up to ~⅓ of their bound: tanh far from saturation, so the deformation gradient is not tiny.
  m.field.deformation.set(deformation.map((d) => d / 3));
  const rng = new Rng(9);
  for (let k = 0; k < m.colour.logits.length; k++) m.colour.logits[k] = rng.range(-1.5, 1.5);
  return m;
}

describe('DmtetModel render → loss gradients (finite differences)', () => {
  for (const shading of ['demo-lambert', 'random-point-light'] as const) {
    it(`match along random directions of SDF, deformation and colour logits (${shading})`, () => {
      const m = model(shading);
      const rng = new Rng(1);
      const plane = SIZE * SIZE * cameras.length;
      const wRgb = rng.fillNormal(new Float32Array(3 * plane));
      const wAlpha = rng.fillNormal(new Float32Array(plane));
      const seedState = m.exportState();
      const loss = () => {
        // Same lights for every evaluation: the light draw restarts from the saved RNG state.
        const fresh = DmtetModel.importState(seedState, m.settings, m.options);
        fresh.field.sdf.set(m.field.sdf);
        fresh.field.deformation.set(m.field.deformation);
        fresh.colour.logits.set(m.colour.logits);
        const out = fresh.render(cameras, { background });
        return weightedSum(out.rgb, wRgb) + weightedSum(out.alpha, wAlpha);
      };
      const base = DmtetModel.importState(seedState, m.settings, m.options);
      base.render(cameras, { background });
      base.backward({ dRgb: wRgb, dAlpha: wAlpha });
      const grads = base.gradients();
      const surface = base.extract();
      const touched = new Set<number>();
      for (const v of surface.edgeVertices) touched.add(v);
      // Deformations move surface vertices across the image, where ~1-pixel triangles put many silhouette blends
      // (each with the antialias kink at d = ½, docs/mesh-rasterizer.md) in a direction's path: 15 % there; the SDF
      // (along edges) and the logits (no geometry) are held to 3 %. A sign error or a missing term is far outside both.
      const params = [
        { name: 'sdf', values: m.field.sdf, grad: grads.sdf, eps: 2e-5, rtol: 0.03, entries: [...touched] },
        { name: 'deformation', values: m.field.deformation, grad: grads.deformation, eps: 2e-4, rtol: 0.15, entries: [...touched].flatMap((v) => [3 * v, 3 * v + 1, 3 * v + 2]) },
        { name: 'logits', values: m.colour.logits, grad: grads.logits, eps: 1e-3, rtol: 0.03, entries: Array.from(grads.logits.keys()).filter((k) => grads.logits[k] !== 0) },
      ];
      for (const p of params) {
        for (let trial = 0; trial < 3; trial++) {
          // A sparse random direction: 24 entries, so a step rarely straddles a kink of the antialias blend.
          const direction = new Float64Array(p.values.length);
          for (let n = 0; n < 24; n++) direction[p.entries[rng.int(0, p.entries.length - 1)]!] = rng.normal();
          let analytic = 0;
          for (const k of p.entries) analytic += direction[k]! * p.grad[k]!;
          const saved = Float32Array.from(p.values);
          const centralDifference = (eps: number) => {
            const at = (sign: number) => {
              for (const k of p.entries) p.values[k] = saved[k]! + sign * eps * direction[k]!;
              return loss();
            };
            const numeric = (at(1) - at(-1)) / (2 * eps);
            p.values.set(saved);
            return numeric;
          };
          // A step that straddles a blend's kink (d = ½) or a pixel changing triangle is confirmed with a 10× smaller one.
          let numeric = centralDifference(p.eps);
          if (Math.abs(analytic - numeric) > p.rtol * Math.abs(numeric) + 2e-4) numeric = centralDifference(p.eps / 10);
          console.log(`${shading} ${p.name} trial ${trial}: analytic ${analytic.toFixed(4)} numeric ${numeric.toFixed(4)}`);
          expect(Math.abs(numeric)).toBeGreaterThan(2e-3);
          expect(Math.abs(analytic - numeric)).toBeLessThan(p.rtol * Math.abs(numeric) + 2e-4);
        }
      }
    });
  }
});
