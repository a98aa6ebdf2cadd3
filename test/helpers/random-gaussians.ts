import { Rng } from '../../src/core/random/rng';
import { allocateGaussians, type GaussianArrays } from '../../src/shared/gaussians/gaussian-layout';

export interface RandomSceneOptions {
  count: number;
  shDegreeMax: number;
  seed: number;
  /** Half-extent of the cube the means are drawn from, around the origin. */
  extent?: number;
  logScaleRange?: [number, number];
  /** Opacity logits are drawn from this range; keep below logit(0.99) for smooth finite differences. */
  opacityLogitRange?: [number, number];
  shScale?: number;
}

/** A reproducible scene of Gaussians around the origin, in float32 storage like the live model. */
export function randomGaussians(o: RandomSceneOptions): GaussianArrays {
  const rng = new Rng(o.seed);
  const g = allocateGaussians(o.count, o.shDegreeMax);
  const extent = o.extent ?? 0.6;
  const [ls0, ls1] = o.logScaleRange ?? [-2.8, -1.6];
  const [ol0, ol1] = o.opacityLogitRange ?? [-1, 2];
  const shScale = o.shScale ?? 0.15;
  for (let i = 0; i < o.count; i++) {
    for (let a = 0; a < 3; a++) {
      g.means[3 * i + a] = rng.range(-extent, extent);
      g.logScales[3 * i + a] = rng.range(ls0, ls1);
      g.shDc[3 * i + a] = rng.range(-0.8, 0.8);
    }
    for (let a = 0; a < 4; a++) g.quats[4 * i + a] = rng.normal();
    g.opacityLogits[i] = rng.range(ol0, ol1);
  }
  for (let k = 0; k < g.shRest.length; k++) g.shRest[k] = rng.normal() * shScale;
  return g;
}

/** A float64 copy, for finite differences at full precision. */
export function toFloat64(g: GaussianArrays): GaussianArrays<Float64Array> {
  return {
    count: g.count,
    shDegreeMax: g.shDegreeMax,
    means: Float64Array.from(g.means),
    logScales: Float64Array.from(g.logScales),
    quats: Float64Array.from(g.quats),
    opacityLogits: Float64Array.from(g.opacityLogits),
    shDc: Float64Array.from(g.shDc),
    shRest: Float64Array.from(g.shRest),
  };
}
