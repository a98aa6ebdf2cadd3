import { describe, expect, it } from 'vitest';
import { poseEmbedding, type OrbitView } from '../../../src/core/diffusion/pose-embedding';
import { orbitPosition } from '../../../src/core/scene/cameras/orbit';

/** Kiln's Y-up world as Blender's Z-up one, the proper rotation glTF importers apply: (x, y, z) → (x, −z, y). */
function toBlender([x, y, z]: readonly number[]): [number, number, number] {
  return [x!, -z!, y!];
}

/** Zero-1-to-3's spherical coordinates of a camera position in its Z-up world: polar from +Z, azimuth atan2(y, x). */
function zero123Spherical([x, y, z]: readonly number[]): { polar: number; azimuth: number; radius: number } {
  const xy = x! * x! + y! * y!;
  return { polar: Math.atan2(Math.sqrt(xy), z!), azimuth: Math.atan2(y!, x!), radius: Math.sqrt(xy + z! * z!) };
}

/** Zero-1-to-3's relative pose, computed from camera positions as its data loader does. */
function zero123Pose(reference: OrbitView, target: OrbitView): number[] {
  const position = (v: OrbitView) => toBlender(orbitPosition({ radiusM: v.radiusM ?? 1, elevationDeg: v.elevationDeg, azimuthDeg: v.azimuthDeg }));
  const a = zero123Spherical(position(reference));
  const b = zero123Spherical(position(target));
  const dAz = (b.azimuth - a.azimuth + 2 * Math.PI) % (2 * Math.PI);
  return [b.polar - a.polar, Math.sin(dAz), Math.cos(dAz), b.radius - a.radius];
}

const CASES: [OrbitView, OrbitView][] = [
  [{ elevationDeg: 0, azimuthDeg: 0, radiusM: 2.5 }, { elevationDeg: 0, azimuthDeg: 90, radiusM: 2.5 }],
  [{ elevationDeg: 15, azimuthDeg: 30, radiusM: 2.5 }, { elevationDeg: 30, azimuthDeg: 300, radiusM: 2.0 }],
  [{ elevationDeg: -10, azimuthDeg: 200, radiusM: 1.8 }, { elevationDeg: 45, azimuthDeg: 10, radiusM: 2.2 }],
  [{ elevationDeg: 30, azimuthDeg: 45, radiusM: 2 }, { elevationDeg: 0, azimuthDeg: 225, radiusM: 2 }],
];

describe('pose embedding (Zero-1-to-3 family)', () => {
  it('turning the camera from +Z to +X (a quarter turn counter-clockwise seen from above) is sin Δaz = +1', () => {
    // Kiln: azimuth 0 looks at the object's +Z face, 90 at its +X face. In Blender these cameras sit at −Y and +X.
    const pose = poseEmbedding({ elevationDeg: 0, azimuthDeg: 0 }, { elevationDeg: 0, azimuthDeg: 90 }, 'zero123');
    expect(pose[0]).toBeCloseTo(0, 12);
    expect(pose[1]).toBeCloseTo(1, 12);
    expect(pose[2]).toBeCloseTo(0, 12);
    expect(orbitPosition({ radiusM: 1, elevationDeg: 0, azimuthDeg: 90 })[0]).toBeCloseTo(1, 12);
    expect(zero123Pose({ elevationDeg: 0, azimuthDeg: 0 }, { elevationDeg: 0, azimuthDeg: 90 })[1]).toBeCloseTo(1, 12);
  });

  it.each(CASES)('zero123: equals Zero-1-to-3\'s pose of the same cameras in its own world (%o → %o)', (reference, target) => {
    const ours = poseEmbedding(reference, target, 'zero123');
    const theirs = zero123Pose(reference, target);
    for (let i = 0; i < 4; i++) expect(ours[i]).toBeCloseTo(theirs[i]!, 10);
  });

  it('looking from higher up is a negative Δpolar (polar is measured from the up axis)', () => {
    expect(poseEmbedding({ elevationDeg: 0, azimuthDeg: 0 }, { elevationDeg: 30, azimuthDeg: 0 }, 'zero123')[0]).toBeCloseTo(-Math.PI / 6, 12);
  });

  it('stable-zero123: the first three entries as zero123, the fourth the reference polar deg2rad(90 − elevation)', () => {
    for (const [reference, target] of CASES) {
      const stable = poseEmbedding(reference, target, 'stable-zero123');
      const classic = poseEmbedding(reference, target, 'zero123');
      expect(stable.slice(0, 3)).toEqual(classic.slice(0, 3));
      expect(stable[3]).toBeCloseTo(((90 - reference.elevationDeg) * Math.PI) / 180, 12);
      // Absolute, not relative: the same for every target of one reference.
      expect(poseEmbedding(reference, { elevationDeg: 80, azimuthDeg: 5 }, 'stable-zero123')[3]).toBe(stable[3]);
    }
    expect(poseEmbedding({ elevationDeg: 15, azimuthDeg: 0 }, { elevationDeg: 15, azimuthDeg: 0 }, 'stable-zero123')[3]).toBeCloseTo((75 * Math.PI) / 180, 12);
  });

  it('the identity move is [0, 0, 1, 0] for zero123', () => {
    expect(poseEmbedding({ elevationDeg: 20, azimuthDeg: 70, radiusM: 2 }, { elevationDeg: 20, azimuthDeg: 70, radiusM: 2 }, 'zero123')).toEqual([0, 0, 1, 0]);
  });
});
