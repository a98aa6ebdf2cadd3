import { describe, expect, it } from 'vitest';
import { fillEnclosedVoids } from '../../../../src/core/export/mesh/fill-enclosed';
import { keepSubstantialComponents, triangleComponents } from '../../../../src/core/export/mesh/mesh-components';
import { marchingCubes } from '../../../../src/core/export/mesh/marching-cubes';
import { sampleScalarGrid } from '../../../../src/core/export/mesh/scalar-grid';
import { surfaceArea, triangleCount, type TriangleMesh } from '../../../../src/core/export/mesh/triangle-mesh';
import { Rng } from '../../../../src/core/random/rng';
import { signedVolume } from '../../../helpers/mesh-shapes';

/** Every directed edge appears once and its reverse once: the surface is closed, manifold and consistently wound. */
function expectClosedAndOriented(mesh: TriangleMesh): void {
  const directed = new Map<string, number>();
  for (let t = 0; t < triangleCount(mesh); t++)
    for (let c = 0; c < 3; c++) {
      const key = `${mesh.indices[3 * t + c]}>${mesh.indices[3 * t + ((c + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  for (const [key, n] of directed) {
    expect(n, key).toBe(1);
    const [a, b] = key.split('>');
    expect(directed.get(`${b}>${a}`), `reverse of ${key}`).toBe(1);
  }
}


const ball = (r: number) => (x: number, y: number, z: number) => r - Math.hypot(x, y, z);

describe('marching cubes', () => {
  it('meshes a sphere closed, outward-facing, with its true area and volume', () => {
    const r = 0.7;
    const mesh = marchingCubes(sampleScalarGrid([-1, -1, -1], 2 / 64, [65, 65, 65], ball(r)), 0);
    expectClosedAndOriented(mesh);
    expect(triangleComponents(mesh).count).toBe(1);
    expect(surfaceArea(mesh) / (4 * Math.PI * r * r)).toBeCloseTo(1, 1);
    expect(signedVolume(mesh) / ((4 / 3) * Math.PI * r ** 3)).toBeCloseTo(1, 1);
    for (let v = 0; v < mesh.positions.length / 3; v++) expect(Math.abs(Math.hypot(...mesh.positions.subarray(3 * v, 3 * v + 3)) - r)).toBeLessThan(2e-3);
  });

  it('stays closed and consistently wound on random fields (every ambiguous case)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 5; trial++) {
      const n = 14;
      const grid = sampleScalarGrid([0, 0, 0], 1, [n, n, n], (x, y, z) => {
        const border = x === 0 || y === 0 || z === 0 || x === n - 1 || y === n - 1 || z === n - 1;
        return border ? -1 : rng.uniform() - 0.5;
      });
      const mesh = marchingCubes(grid, 0);
      expect(triangleCount(mesh)).toBeGreaterThan(100);
      expectClosedAndOriented(mesh);
      expect(signedVolume(mesh)).toBeGreaterThan(0);
    }
  });

  it('fills a hollow shell so only its outer wall is meshed, and drops a floater', () => {
    const shell = (x: number, y: number, z: number) => {
      const d = Math.hypot(x, y, z);
      const floater = Math.hypot(x - 0.85, y - 0.85, z - 0.85) < 0.06 ? 1 : 0;
      return (Math.abs(d - 0.5) < 0.06 ? 1 : 0) + floater;
    };
    const grid = sampleScalarGrid([-1, -1, -1], 2 / 80, [81, 81, 81], shell);
    const hollow = marchingCubes(grid, 0.5);
    expect(triangleComponents(hollow).count).toBe(3); // outer wall, inner wall, floater
    expect(fillEnclosedVoids(grid, 0.5, 0)).toBeGreaterThan(1000);
    const { mesh, keptComponents, droppedComponents } = keepSubstantialComponents(marchingCubes(grid, 0.5), 0.1);
    expect([keptComponents, droppedComponents]).toEqual([1, 1]);
    expectClosedAndOriented(mesh);
    // A solid ball of radius ≈ 0.56 (the shell's outer face), not a shell with an inward-facing wall.
    expect(signedVolume(mesh) / ((4 / 3) * Math.PI * 0.56 ** 3)).toBeCloseTo(1, 1);
  });

  it('keeps every substantial piece of an object in pieces (a head above its body), dropping only debris', () => {
    const ball = (x: number, y: number, z: number, cy: number, r: number) => (Math.hypot(x, y - cy, z) < r ? 1 : 0);
    const field = (x: number, y: number, z: number) => ball(x, y, z, -0.4, 0.4) + ball(x, y, z, 0.3, 0.22) + ball(x, y, z, 0.8, 0.04);
    const grid = sampleScalarGrid([-1, -1, -1], 2 / 80, [81, 81, 81], field);
    const { mesh, keptComponents, droppedComponents } = keepSubstantialComponents(marchingCubes(grid, 0.5), 0.1);
    expect([keptComponents, droppedComponents]).toEqual([2, 1]); // the head's area is ~30 % of the body's, the debris' ~1 %
    expectClosedAndOriented(mesh);
    expect(signedVolume(mesh) / ((4 / 3) * Math.PI * (0.4 ** 3 + 0.22 ** 3))).toBeCloseTo(1, 1);
  });

  it('closes a small hole in the shell instead of meshing the inside through it', () => {
    const holed = (x: number, y: number, z: number) => {
      const hole = x > 0 && Math.hypot(y, z) < 0.04; // a tunnel ~3 cells across through the shell
      return Math.abs(Math.hypot(x, y, z) - 0.5) < 0.06 && !hole ? 1 : 0;
    };
    const grid = sampleScalarGrid([-1, -1, -1], 2 / 80, [81, 81, 81], holed);
    const open = marchingCubes(sampleScalarGrid([-1, -1, -1], 2 / 80, [81, 81, 81], holed), 0.5);
    expect(signedVolume(open)).toBeLessThan(0.6 * (4 / 3) * Math.PI * 0.56 ** 3); // only the skin's own volume
    fillEnclosedVoids(grid, 0.5, 0);
    expect(signedVolume(marchingCubes(grid, 0.5))).toBeLessThan(0.6 * (4 / 3) * Math.PI * 0.56 ** 3); // a 0-radius ball goes through
    fillEnclosedVoids(grid, 0.5, 2);
    const closed = marchingCubes(grid, 0.5);
    expectClosedAndOriented(closed);
    expect(signedVolume(closed) / ((4 / 3) * Math.PI * 0.56 ** 3)).toBeCloseTo(1, 1);
  });
});
