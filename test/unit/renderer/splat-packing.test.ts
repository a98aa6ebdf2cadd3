import { unpackSplat } from '@sparkjsdev/spark';
import { Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { packGaussians } from '../../../src/renderer/src/components/viewport/splat-packing';

const C0 = 0.28209479177387814;

describe('packGaussians (Kiln raw Gaussians → Spark packed splats)', () => {
  // Two Gaussians: one rotated +90° about +Y (w, x, y, z), one tilted about +X; distinct colours, opacities, scales.
  const s = Math.SQRT1_2;
  const gaussians = {
    count: 2,
    means: new Float32Array([0.25, 0.5, -0.75, -0.1, 0.9, 0.3]),
    logScales: new Float32Array([Math.log(0.05), Math.log(0.02), Math.log(0.1), Math.log(0.3), Math.log(0.01), Math.log(0.2)]),
    quats: new Float32Array([s, 0, s, 0, Math.cos(0.3), Math.sin(0.3), 0, 0]),
    opacityLogits: new Float32Array([0, Math.log(0.9 / 0.1)]),
    // Colours 0.8/0.2/0.5 and out-of-range values that must clamp to 1 and 0.
    shDc: new Float32Array([(0.8 - 0.5) / C0, (0.2 - 0.5) / C0, 0, 5, -5, (0.25 - 0.5) / C0]),
  };
  const packed = packGaussians(gaussians);

  it('keeps the count and sizes the array for Spark textures', () => {
    expect(packed.numSplats).toBe(2);
    expect(packed.packedArray.length % 4).toBe(0);
    expect(packed.packedArray.length / 4).toBeGreaterThanOrEqual(2);
  });

  it('decodes (through Spark) to the positions, sigmoid opacities, exp scales and SH-DC colours', () => {
    const a = unpackSplat(packed.packedArray, 0);
    expect(a.center.x).toBeCloseTo(0.25, 3);
    expect(a.center.y).toBeCloseTo(0.5, 3);
    expect(a.center.z).toBeCloseTo(-0.75, 3);
    expect(a.opacity).toBeCloseTo(0.5, 2);
    expect(a.scales.x / 0.05).toBeCloseTo(1, 1);
    expect(a.scales.y / 0.02).toBeCloseTo(1, 1);
    expect(a.scales.z / 0.1).toBeCloseTo(1, 1);
    expect(a.color.r).toBeCloseTo(0.8, 2);
    expect(a.color.g).toBeCloseTo(0.2, 2);
    expect(a.color.b).toBeCloseTo(0.5, 2);
    const b = unpackSplat(packed.packedArray, 1);
    expect(b.opacity).toBeCloseTo(0.9, 2);
    expect(b.color.r).toBe(1);
    expect(b.color.g).toBe(0);
    expect(b.color.b).toBeCloseTo(0.25, 2);
  });

  it('reorders quaternions from w,x,y,z: +90° about Y turns +X into −Z', () => {
    const a = unpackSplat(packed.packedArray, 0);
    const turned = new Vector3(1, 0, 0).applyQuaternion(a.quaternion);
    expect(turned.x).toBeCloseTo(0, 1);
    expect(turned.y).toBeCloseTo(0, 1);
    expect(turned.z).toBeCloseTo(-1, 1);
    const b = unpackSplat(packed.packedArray, 1);
    // 0.6 rad about +X: +Y goes to (0, cos 0.6, sin 0.6).
    const tilted = new Vector3(0, 1, 0).applyQuaternion(b.quaternion);
    expect(tilted.x).toBeCloseTo(0, 1);
    expect(tilted.y).toBeCloseTo(Math.cos(0.6), 1);
    expect(tilted.z).toBeCloseTo(Math.sin(0.6), 1);
  });
});
