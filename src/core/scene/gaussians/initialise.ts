import type { Rng } from '../../random/rng';
import { allocateGaussians, type GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { SH_C0 } from './spherical-harmonics';
import type { GaussianTrainingSettings } from './training-settings';

/** Opacity logit for a target opacity. */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** SH DC coefficient that yields colour `c` in [0, 1] (colour = C0·dc + 0.5). */
export function rgbToShDc(c: number): number {
  return (c - 0.5) / SH_C0;
}

export interface BallInit {
  count: number;
  shDegreeMax: number;
  radiusM: number;
  /** Fill the ball uniformly, or place points on its surface (a shell). */
  shell?: boolean;
  /** Initial scale as a fraction of the mean spacing between points. */
  scaleFactor?: number;
  /** Upper bound on the initial scale (metres), however sparse the points. */
  maxScaleM?: number;
  opacity?: number;
  /** Base colour in [0, 1] and the standard deviation of per-Gaussian colour noise. */
  colour?: [number, number, number];
  colourNoise?: number;
}

/** Gaussians in (or on) a ball around the origin, isotropic, with noisy colour: text-to-3D's usual start. */
export function initialiseBall(o: BallInit, rng: Rng): GaussianArrays {
  const g = allocateGaussians(o.count, o.shDegreeMax);
  const spacing = o.shell
    ? Math.sqrt((4 * Math.PI * o.radiusM * o.radiusM) / o.count)
    : Math.cbrt(((4 / 3) * Math.PI * o.radiusM ** 3) / o.count);
  const logScale = Math.log(Math.max(1e-6, Math.min(o.maxScaleM ?? Infinity, (o.scaleFactor ?? 0.5) * spacing)));
  const opacityLogit = logit(o.opacity ?? 0.1);
  const base = o.colour ?? [0.5, 0.5, 0.5];
  const noise = o.colourNoise ?? 0.1;
  for (let i = 0; i < o.count; i++) {
    let x = 0, y = 0, z = 0, n2 = 0;
    do {
      x = rng.normal();
      y = rng.normal();
      z = rng.normal();
      n2 = x * x + y * y + z * z;
    } while (n2 < 1e-12);
    const n = Math.sqrt(n2);
    const r = o.radiusM * (o.shell ? 1 : Math.cbrt(rng.uniform()));
    g.means.set([(x / n) * r, (y / n) * r, (z / n) * r], 3 * i);
    g.logScales.fill(logScale, 3 * i, 3 * i + 3);
    g.quats.set([1, 0, 0, 0], 4 * i);
    g.opacityLogits[i] = opacityLogit;
    for (let c = 0; c < 3; c++) g.shDc[3 * i + c] = rgbToShDc(Math.min(1, Math.max(0, base[c]! + noise * rng.normal())));
  }
  return g;
}

/**
 * The start of a text-to-3D run: a fuzzy grey ball of `count` Gaussians. A sparse ball's spacing-sized Gaussians would
 * be larger than the trainer's world-size prune allows and vanish at the first densification, so they are kept
 * just under that limit.
 */
export function initialiseRunBall(count: number, shDegreeMax: number, training: GaussianTrainingSettings, extentM: number, rng: Rng): GaussianArrays {
  const maxScaleM = 0.9 * training.pruneMaxWorldFraction * extentM;
  return initialiseBall({ count, shDegreeMax, radiusM: 0.9, opacity: 0.1, colourNoise: 0.05, maxScaleM }, rng);
}

/** Gaussians at given points (a point cloud), coloured as given, sized by the mean spacing of the cloud. */
export function initialiseFromPoints(
  points: Float32Array,
  colours: Float32Array | null,
  shDegreeMax: number,
  o: { opacity?: number; scaleM?: number } = {},
): GaussianArrays {
  const count = points.length / 3;
  if (!Number.isInteger(count)) throw new Error('points must hold x, y, z triples');
  const g = allocateGaussians(count, shDegreeMax);
  g.means.set(points);
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count; i++)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, points[3 * i + a]!);
      hi[a] = Math.max(hi[a]!, points[3 * i + a]!);
    }
  const extent = Math.max(1e-6, ...hi.map((h, a) => h - lo[a]!));
  const scale = o.scaleM ?? (0.5 * extent) / Math.cbrt(Math.max(1, count));
  const opacityLogit = logit(o.opacity ?? 0.1);
  for (let i = 0; i < count; i++) {
    g.logScales.fill(Math.log(scale), 3 * i, 3 * i + 3);
    g.quats.set([1, 0, 0, 0], 4 * i);
    g.opacityLogits[i] = opacityLogit;
    for (let c = 0; c < 3; c++) g.shDc[3 * i + c] = rgbToShDc(colours ? colours[3 * i + c]! : 0.5);
  }
  return g;
}

/**
 * `count` points on a triangle mesh's surface, area-weighted (positions: V×3, indices: T×3), with colours
 * interpolated from per-vertex colours when given: the input to initialiseFromPoints.
 */
export function sampleMeshSurface(
  positions: Float32Array,
  indices: Uint32Array,
  count: number,
  rng: Rng,
  vertexColours?: Float32Array,
): { points: Float32Array; colours: Float32Array | null } {
  const triangles = indices.length / 3;
  if (!Number.isInteger(triangles) || triangles === 0) throw new Error('indices must hold at least one triangle');
  const cumulative = new Float64Array(triangles);
  let total = 0;
  for (let t = 0; t < triangles; t++) {
    const [a, b, c] = [indices[3 * t]!, indices[3 * t + 1]!, indices[3 * t + 2]!];
    const e1 = [0, 1, 2].map((k) => positions[3 * b + k]! - positions[3 * a + k]!);
    const e2 = [0, 1, 2].map((k) => positions[3 * c + k]! - positions[3 * a + k]!);
    const cx = e1[1]! * e2[2]! - e1[2]! * e2[1]!, cy = e1[2]! * e2[0]! - e1[0]! * e2[2]!, cz = e1[0]! * e2[1]! - e1[1]! * e2[0]!;
    total += 0.5 * Math.hypot(cx, cy, cz);
    cumulative[t] = total;
  }
  if (!(total > 0)) throw new Error('the mesh has no area');
  const points = new Float32Array(3 * count);
  const colours = vertexColours ? new Float32Array(3 * count) : null;
  for (let i = 0; i < count; i++) {
    const target = rng.uniform() * total;
    let lo = 0, hi = triangles - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    // Uniform barycentric coordinates by the square-root trick.
    const r1 = Math.sqrt(rng.uniform()), r2 = rng.uniform();
    const w = [1 - r1, r1 * (1 - r2), r1 * r2];
    const corners = [indices[3 * lo]!, indices[3 * lo + 1]!, indices[3 * lo + 2]!];
    for (let k = 0; k < 3; k++) {
      points[3 * i + k] = w[0]! * positions[3 * corners[0]! + k]! + w[1]! * positions[3 * corners[1]! + k]! + w[2]! * positions[3 * corners[2]! + k]!;
      if (colours && vertexColours)
        colours[3 * i + k] = w[0]! * vertexColours[3 * corners[0]! + k]! + w[1]! * vertexColours[3 * corners[1]! + k]! + w[2]! * vertexColours[3 * corners[2]! + k]!;
    }
  }
  return { points, colours };
}
