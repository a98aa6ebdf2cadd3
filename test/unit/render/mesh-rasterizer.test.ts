import { describe, expect, it } from 'vitest';
import { GaussianRasterizer } from '../../../src/core/render/gaussian-rasterizer';
import type { KernelCamera } from '../../../src/core/render/kernel-camera';
import { coverage, splitCoverage, withCoverage } from '../../../src/core/render/mesh-coverage';
import type { TriangleMesh } from '../../../src/core/export/mesh/triangle-mesh';
import { MeshRasterizer } from '../../../src/core/render/mesh-rasterizer';
import { toKernelCamera, type Camera } from '../../../src/core/scene/cameras/camera';
import { orbitCamera } from '../../../src/core/scene/cameras/orbit';
import { allocateGaussians } from '../../../src/core/scene/gaussians/gaussian-layout';
import { cube, uvSphere } from '../../helpers/mesh-shapes';

type Vec3 = [number, number, number];

const lookAt = (position: Vec3, target: Vec3, size: number, near = 0.01): KernelCamera =>
  toKernelCamera({ position, target, up: [0, 1, 0], fovYDeg: 50, width: size, height: size, near, far: 100 } satisfies Camera);

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Camera-space point of a world point, and the world ray through pixel (x, y)'s centre. */
function toCam(c: KernelCamera, p: Vec3): Vec3 {
  return [0, 1, 2].map((r) => c.R[3 * r]! * p[0] + c.R[3 * r + 1]! * p[1] + c.R[3 * r + 2]! * p[2] + c.t[r]!) as Vec3;
}
function pixelRayCam(c: KernelCamera, x: number, y: number): Vec3 {
  return [(x + 0.5 - c.cx) / c.fx, (y + 0.5 - c.cy) / c.fy, 1];
}

/** Closed-form ray cast in camera space (Möller–Trumbore): the hit's depth and barycentrics, or null. */
function rayTriangle(d: Vec3, v0: Vec3, v1: Vec3, v2: Vec3): { z: number; b: Vec3; margin: number } | null {
  const e1 = sub(v1, v0), e2 = sub(v2, v0);
  const p = cross(d, e2);
  const det = dot(e1, p);
  if (Math.abs(det) < 1e-15) return null;
  const tv = sub([0, 0, 0], v0);
  const u = dot(tv, p) / det;
  const q = cross(tv, e1);
  const v = dot(d, q) / det;
  const s = dot(e2, q) / det;
  const b: Vec3 = [1 - u - v, u, v];
  if (s <= 0 || Math.min(...b) < 0) return null;
  return { z: s * d[2], b, margin: Math.min(...b) };
}

function quad(corners: Vec3[]): TriangleMesh {
  return { positions: Float32Array.from(corners.flat()), indices: Uint32Array.from([0, 1, 2, 0, 2, 3]) };
}

function merge(a: TriangleMesh, b: TriangleMesh): TriangleMesh {
  const offset = a.positions.length / 3;
  return {
    positions: Float32Array.from([...a.positions, ...b.positions]),
    indices: Uint32Array.from([...a.indices, ...Array.from(b.indices, (v) => v + offset)]),
  };
}

/** Area of the convex hull of 2D points (monotone chain + shoelace). */
function hullArea(points: [number, number][]): number {
  const pts = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const turn = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: [number, number][]) => {
    const h: [number, number][] = [];
    for (const p of list) {
      while (h.length >= 2 && turn(h[h.length - 2]!, h[h.length - 1]!, p) <= 0) h.pop();
      h.push(p);
    }
    return h.slice(0, -1);
  };
  const hull = [...half(pts), ...half([...pts].reverse())];
  let area = 0;
  for (let i = 0; i < hull.length; i++) {
    const [a, b] = [hull[i]!, hull[(i + 1) % hull.length]!];
    area += a[0] * b[1] - a[1] * b[0];
  }
  return Math.abs(area) / 2;
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('mesh rasterizer: rasterize', () => {
  const raster = new MeshRasterizer(2);

  it('keeps the nearer of two overlapping triangles whatever their order, with the hit depth', () => {
    const cam = lookAt([0, 0, 3], [0, 0, 0], 32);
    const near = quad([[-0.5, -0.5, 0.5], [0.5, -0.5, 0.5], [0.5, 0.5, 0.5], [-0.5, 0.5, 0.5]]);
    const far = quad([[-3, -3, -1], [3, -3, -1], [3, 3, -1], [-3, 3, -1]]);
    for (const [mesh, nearIds] of [[merge(near, far), [0, 1]], [merge(far, near), [2, 3]]] as const) {
      const r = raster.rasterize(mesh, [cam]);
      const centre = 16 * 32 + 16;
      expect(nearIds).toContain(r.triangleId[centre]);
      expect(r.depth[centre]).toBeCloseTo(2.5, 5);
      const corner = 3 * 32 + 3; // inside the far quad only
      expect(nearIds).not.toContain(r.triangleId[corner]);
      expect(r.triangleId[corner]).toBeGreaterThanOrEqual(0);
      expect(r.depth[corner]).toBeCloseTo(4, 5); // camera-space z, not distance along the ray
      // The near quad shows as a square of side f / 2.5 pixels.
      const nearCount = Array.from(r.triangleId).filter((id) => (nearIds as readonly number[]).includes(id)).length;
      expect(Math.abs(nearCount - (cam.fx / 2.5) ** 2)).toBeLessThan(2 * (cam.fx / 2.5) * 2);
    }
  });

  it('matches a closed-form ray cast, with vertices behind the camera and a triangle crossing the near plane', () => {
    const cam = lookAt([0, 0, 0], [0, 0, -1], 40, 0.8);
    const mesh: TriangleMesh = {
      // Camera looks down world −Z: z = +0.5 is behind it; the triangle crosses the near plane (camera depth 0.8).
      positions: Float32Array.from([-2, -0.6, -3, 1.5, -0.4, -0.3, 0.2, 0.9, 0.5, 0.6, 1.0, -2.5, -1.2, 0.2, -1.5, 0.3, -1, -2]),
      indices: Uint32Array.from([0, 1, 2, 3, 4, 5]),
    };
    const r = raster.rasterize(mesh, [cam]);
    const vertex = (i: number) => toCam(cam, [mesh.positions[3 * i]!, mesh.positions[3 * i + 1]!, mesh.positions[3 * i + 2]!]);
    let covered = 0, nearClipped = 0, behind = 0;
    for (let i = 0; i < 3; i++) if (vertex(i)[2] < 0) behind++;
    expect(behind).toBe(1);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        const d = pixelRayCam(cam, x, y);
        let best: { f: number; z: number; b: Vec3; margin: number } | null = null;
        let ambiguous = false;
        for (let f = 0; f < 2; f++) {
          const h = rayTriangle(d, vertex(3 * f), vertex(3 * f + 1), vertex(3 * f + 2));
          if (h && h.margin < 1e-5) ambiguous = true;
          if (h && Math.abs(h.z - cam.near) < 1e-5) ambiguous = true;
          if (h && h.z <= cam.near) nearClipped++;
          if (h && h.z > cam.near && (!best || h.z < best.z)) best = { f, ...h };
        }
        if (ambiguous) continue;
        const p = y * 40 + x;
        expect(r.triangleId[p], `pixel ${x},${y}`).toBe(best ? best.f : -1);
        if (!best) continue;
        covered++;
        expect(r.depth[p]).toBeCloseTo(best.z, 4);
        expect(r.bary[p]).toBeCloseTo(best.b[0], 4);
        expect(r.bary[1600 + p]).toBeCloseTo(best.b[1], 4);
      }
    }
    expect(covered).toBeGreaterThan(200);
    expect(nearClipped).toBeGreaterThan(20);
  });

  it('draws a unit cube with the area of its projected hull (hard coverage and antialiased alpha)', () => {
    const mesh = cube();
    for (const pose of [{ radiusM: 3, elevationDeg: 0, azimuthDeg: 0 }, { radiusM: 2.6, elevationDeg: 25, azimuthDeg: 35 }, { radiusM: 3.5, elevationDeg: -40, azimuthDeg: 200 }]) {
      const cam = toKernelCamera(orbitCamera(pose, { fovYDeg: 50, width: 128, height: 128 }));
      const corners: [number, number][] = [];
      for (let i = 0; i < 8; i++) {
        const c = toCam(cam, [mesh.positions[3 * i]!, mesh.positions[3 * i + 1]!, mesh.positions[3 * i + 2]!]);
        corners.push([(cam.fx * c[0]) / c[2] + cam.cx, (cam.fy * c[1]) / c[2] + cam.cy]);
      }
      const area = hullArea(corners);
      const r = raster.rasterize(mesh, [cam]);
      const hard = sum(coverage(r));
      const soft = sum(raster.antialias(r, coverage(r), 1).image);
      // Hard coverage counts pixel centres: off by up to a pixel row along each side.
      expect(Math.abs(hard - area) / area, `hard ${hard} vs ${area}`).toBeLessThan(0.04);
      expect(Math.abs(soft - area) / area, `antialiased ${soft} vs ${area}`).toBeLessThan(0.002);
      expect(Math.abs(soft - area)).toBeLessThanOrEqual(Math.abs(hard - area) + 1);
    }
  });

  it('antialiases silhouettes made of triangles much smaller than a pixel', () => {
    // A finely tessellated sphere (≈16k triangles) at 48²: the pixel next to the background is rarely covered by a
    // triangle that owns the silhouette edge. On the optical axis it projects to a disc of radius f·r / √(d² − r²).
    const [r, d] = [0.5, 3];
    const mesh = uvSphere([0, 0, 0], r, 64, 128);
    const cam = lookAt([0, 0, d], [0, 0, 0], 48);
    const radius = (cam.fx * r) / Math.sqrt(d * d - r * r);
    const raster = new MeshRasterizer(2);
    const rast = raster.rasterize(mesh, [cam]);
    const aa = raster.antialias(rast, coverage(rast), 1);
    const area = Math.PI * radius * radius;
    expect(Math.abs(sum(aa.image) - area) / area, `antialiased ${sum(aa.image)} vs ${area}`).toBeLessThan(0.005);
    // Nearly every pixel pair the outline crosses is blended: a closed curve of length L crosses ≈ 4L/π pairs.
    expect(aa.events.length / 6).toBeGreaterThan(0.9 * ((4 / Math.PI) * 2 * Math.PI * radius));
  });

  it('puts a mesh sphere on the same pixels as a Gaussian blob at the same place', () => {
    const centre: Vec3 = [0.35, -0.2, 0.15];
    const cams = [
      toKernelCamera(orbitCamera({ radiusM: 2.5, elevationDeg: 20, azimuthDeg: 30 }, { fovYDeg: 50, width: 64, height: 48 })),
      toKernelCamera(orbitCamera({ radiusM: 2.0, elevationDeg: -30, azimuthDeg: 150 }, { fovYDeg: 50, width: 64, height: 48 })),
    ];
    const mesh = uvSphere(centre, 0.12, 16, 24);
    const r = raster.rasterize(mesh, cams);
    const g = allocateGaussians(1, 0);
    g.means.set(centre);
    g.logScales.fill(Math.log(0.05));
    g.quats.set([1, 0, 0, 0]);
    g.opacityLogits[0] = 3;
    const splat = new GaussianRasterizer(1).forward(g, cams, { shDegree: 0, background: [0, 0, 0] });
    const plane = 64 * 48;
    const cov = coverage(r);
    const centroid = (w: Float32Array, b: number) => {
      let s = 0, sx = 0, sy = 0;
      for (let p = 0; p < plane; p++) {
        const v = w[b * plane + p]!;
        s += v;
        sx += v * ((p % 64) + 0.5);
        sy += v * (Math.floor(p / 64) + 0.5);
      }
      return [sx / s, sy / s];
    };
    cams.forEach((_, b) => {
      const [mx, my] = centroid(cov, b);
      const [gx, gy] = centroid(splat.alpha, b);
      expect(Math.hypot(mx! - gx!, my! - gy!), `view ${b}`).toBeLessThan(0.25);
      // And it is where the camera projects the centre.
      const c = toCam(cams[b]!, centre);
      expect(Math.hypot(mx! - ((cams[b]!.fx * c[0]) / c[2] + cams[b]!.cx), my! - ((cams[b]!.fy * c[1]) / c[2] + cams[b]!.cy))).toBeLessThan(0.25);
    });
  });
});

describe('mesh rasterizer: interpolate', () => {
  it('is perspective-correct: interpolated world positions lie on each pixel ray, at the raster depth', () => {
    const cam = lookAt([0.3, 0.4, 2], [0, 0, 0], 48);
    const mesh = quad([[-1, -1, -1.5], [1, -1, 0.5], [1, 1, 0.2], [-1, 1, -1.8]]);
    const raster = new MeshRasterizer(2);
    const r = raster.rasterize(mesh, [cam]);
    const world = raster.interpolate(r, mesh.positions, 3);
    const plane = 48 * 48;
    let covered = 0;
    for (let p = 0; p < plane; p++) {
      if (r.triangleId[p]! < 0) continue;
      covered++;
      const c = toCam(cam, [world[p]!, world[plane + p]!, world[2 * plane + p]!]);
      const [x, y] = [p % 48, Math.floor(p / 48)];
      expect((cam.fx * c[0]) / c[2] + cam.cx - (x + 0.5)).toBeCloseTo(0, 3);
      expect((cam.fy * c[1]) / c[2] + cam.cy - (y + 0.5)).toBeCloseTo(0, 3);
      expect(c[2]).toBeCloseTo(r.depth[p]!, 4);
    }
    expect(covered).toBeGreaterThan(500);
    // Screen-linear barycentrics would miss the ray by pixels on this slanted quad: perspective matters here.
  });
});

describe('mesh rasterizer: threads and inputs', () => {
  it('gives bit-identical results and gradients for 1 and 3 threads', () => {
    const mesh = merge(uvSphere([0, 0, 0], 0.6, 12, 20), cube([0.4, 0.3, -0.5], 0.5));
    const cams = [0, 1].map((k) => toKernelCamera(orbitCamera({ radiusM: 2.4, elevationDeg: 10 + 20 * k, azimuthDeg: 40 + 100 * k }, { fovYDeg: 50, width: 53, height: 41 })));
    const channels = 3;
    const attrs = Float32Array.from({ length: (mesh.positions.length / 3) * channels }, (_, k) => Math.sin(k * 0.37));
    const run = (threads: number) => {
      const raster = new MeshRasterizer(threads);
      expect(raster.threads).toBe(threads);
      const r = raster.rasterize(mesh, cams);
      const img = raster.interpolate(r, attrs, channels);
      const aa = raster.antialias(r, img, channels);
      const dOut = Float32Array.from(aa.image, (_, k) => Math.cos(k * 0.11));
      const aaBack = raster.antialiasBackward(aa, dOut);
      const interpBack = raster.interpolateBackward(r, attrs, channels, aaBack.dImage);
      const dPos = raster.rasterizeBackward(r, { dBary: interpBack.dBary, dDepth: Float32Array.from(r.depth, (_, k) => Math.sin(k)) });
      return [r.triangleId, r.bary, r.depth, img, aa.image, aa.events, aaBack.dImage, aaBack.dPositions, interpBack.dAttributes, interpBack.dBary, dPos];
    };
    const one = run(1);
    const three = run(3);
    expect(one[5]!.length).toBeGreaterThan(6 * 50);
    one.forEach((a, k) => expect(Buffer.from(three[k]!.buffer).equals(Buffer.from(a.buffer)), `output ${k}`).toBe(true));
  });

  it('appends a coverage channel per view and splits it off again', () => {
    const raster = new MeshRasterizer(1);
    const cams = [lookAt([0, 0, 3], [0, 0, 0], 6), lookAt([3, 0, 0], [0, 0, 0], 6)];
    const r = raster.rasterize(cube(), cams);
    const image = Float32Array.from({ length: 2 * 2 * 36 }, (_, k) => k + 1);
    const joined = withCoverage(r, image, 2);
    expect(Array.from(joined.subarray(0, 72))).toEqual(Array.from(image.subarray(0, 72)));
    expect(Array.from(joined.subarray(72, 108))).toEqual(Array.from(coverage(r).subarray(0, 36)));
    expect(Array.from(joined.subarray(108, 180))).toEqual(Array.from(image.subarray(72)));
    const split = splitCoverage(r, joined, 2);
    expect(Array.from(split.image)).toEqual(Array.from(image));
    expect(Array.from(split.alpha)).toEqual(Array.from(coverage(r)));
    expect(sum(split.alpha)).toBeGreaterThan(4);
  });

  it('renders an empty mesh (a surface that vanished) as empty, with zero gradients', () => {
    const raster = new MeshRasterizer(2);
    const empty: TriangleMesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    const r = raster.rasterize(empty, [lookAt([0, 0, 3], [0, 0, 0], 8)]);
    expect(Array.from(new Set(r.triangleId))).toEqual([-1]);
    const aa = raster.antialias(r, withCoverage(r, raster.interpolate(r, new Float32Array(0), 2), 2), 3);
    expect(aa.events.length).toBe(0);
    expect(sum(aa.image)).toBe(0);
    expect(raster.rasterizeBackward(r, { dBary: new Float32Array(2 * 64) }).length).toBe(0);
    expect(raster.antialiasBackward(aa, new Float32Array(3 * 64)).dPositions.length).toBe(0);
  });

  it('rejects malformed input with a plain Error', () => {
    const raster = new MeshRasterizer(1);
    const cam = lookAt([0, 0, 3], [0, 0, 0], 8);
    const mesh = cube();
    expect(() => raster.rasterize({ ...mesh, indices: Uint32Array.from([0, 1, 8]) }, [cam])).toThrow(/not a vertex index/);
    expect(() => raster.rasterize({ ...mesh, positions: Float32Array.from([0, 0, Number.NaN]) }, [cam])).toThrow(/finite/);
    expect(() => raster.rasterize({ ...mesh, positions: new Float32Array(5) }, [cam])).toThrow(/V × 3/);
    expect(() => raster.rasterize(mesh, [])).toThrow(/at least one camera/);
    expect(() => raster.rasterize(mesh, [cam, lookAt([0, 0, 3], [0, 0, 0], 9)])).toThrow(/one image size/);
    expect(() => raster.rasterize(mesh, [{ ...cam, near: 0 }])).toThrow(/near must be positive/);
    const r = raster.rasterize(mesh, [cam]);
    expect(() => raster.interpolate(r, new Float32Array(7), 3)).toThrow(/8 × 3 floats/);
    expect(() => raster.antialias(r, new Float32Array(64 * 2), 3)).toThrow(/64 × 3 floats/);
    expect(() => raster.rasterizeBackward(r, { dBary: new Float32Array(64) })).toThrow(/64 × 2 floats/);
  });
});
