import { GaussianRasterizer } from '../../core/render/gaussian-rasterizer';
import { gradCheck } from '../../core/render/gradient-check';
import { Rng } from '../../core/random/rng';
import { median, timeRuns } from '../../core/stats';
import { toKernelCamera } from '../../core/scene/cameras/camera';
import { orbitCamera } from '../../core/scene/cameras/orbit';
import { allocateGaussians, type GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { initialiseBall, logit } from '../../core/scene/gaussians/initialise';
import type { Benchmark } from './benchmark';

const RESOLUTIONS = [64, 128, 256, 512];
const COUNTS = [1_000, 10_000, 100_000];

/** A trained-looking scene: a solid ball of Gaussians at mid opacity with some view-dependent colour. */
function benchScene(count: number, seed: number): GaussianArrays {
  const rng = new Rng(seed);
  const g = initialiseBall({ count, shDegreeMax: 3, radiusM: 0.8, scaleFactor: 0.6, opacity: 0.5, colourNoise: 0.2 }, rng);
  for (let i = 0; i < g.count; i++) g.opacityLogits[i] = logit(rng.range(0.2, 0.9));
  for (let k = 0; k < g.shRest.length; k++) g.shRest[k] = 0.05 * rng.normal();
  return g;
}

interface Row {
  resolution: number;
  gaussians: number;
  threads: number;
  forwardMs: number;
  backwardMs: number;
  fragments: number;
  forwardFragmentsPerSec: number;
  backwardFragmentsPerSec: number;
}

function smallGradCheck(): number {
  const g = benchScene(12, 4);
  for (let i = 0; i < g.count; i++) g.logScales.fill(Math.log(0.12), 3 * i, 3 * i + 3);
  const cam = toKernelCamera(orbitCamera({ radiusM: 2.5, elevationDeg: 15, azimuthDeg: 30 }, { fovYDeg: 50, width: 24, height: 20 }));
  const raster = new GaussianRasterizer(1);
  const weights = new Rng(2).fillNormal(new Float32Array(3 * 24 * 20));
  const opts = { shDegree: 3, background: [0.1, 0.1, 0.1] as [number, number, number] };
  const loss = () => raster.forward(g, [cam], opts).rgb.reduce((s, v, k) => s + v * weights[k]!, 0);
  const grads = allocateGaussians(g.count, 3);
  raster.backward(raster.forward(g, [cam], opts), g, { dRgb: weights }, grads);
  const steps = { means: 3e-4, logScales: 1e-3, quats: 1e-3, opacityLogits: 1e-3, shDc: 1e-3, shRest: 1e-3 };
  return gradCheck(g, grads, loss, steps, 1e-2, true).maxRelError;
}

export const rasterBenchmark: Benchmark = {
  name: 'raster',
  summary: '3DGS rasterizer forward/backward: ms and fragments/s by resolution, Gaussian count and threads',
  options: { repeats: { type: 'string' }, quick: { type: 'boolean' } },
  async run({ values, json }, io) {
    const repeats = Number(values.repeats ?? 5);
    const resolutions = values.quick ? [64, 256] : RESOLUTIONS;
    const counts = values.quick ? [1_000, 50_000] : [...COUNTS, 50_000].sort((a, b) => a - b);
    const rows: Row[] = [];
    if (!json) io.out('res   gaussians threads  fwd ms   bwd ms   fwd frag/s   bwd frag/s\n');
    for (const count of counts) {
      const g = benchScene(count, 1);
      const grads = allocateGaussians(count, 3);
      for (const resolution of resolutions) {
        const cam = toKernelCamera(
          orbitCamera({ radiusM: 2.5, elevationDeg: 20, azimuthDeg: 35 }, { fovYDeg: 50, width: resolution, height: resolution }),
        );
        const dRgb = new Rng(3).fillNormal(new Float32Array(3 * resolution * resolution), 1e-3);
        for (const threads of [1, 2]) {
          const raster = new GaussianRasterizer(threads);
          const opts = { shDegree: 3, background: [0, 0, 0] as [number, number, number] };
          let fragments = 0;
          const fwd = await timeRuns(() => (fragments = raster.forward(g, [cam], opts).stats.fragments), repeats);
          const bwd = await timeRuns(() => {
            const render = raster.forward(g, [cam], opts);
            const start = performance.now();
            raster.backward(render, g, { dRgb }, grads);
            return performance.now() - start;
          }, repeats);
          // timeRuns times the forward too; subtract the forward median for the backward alone.
          const forwardMs = median(fwd);
          const backwardMs = Math.max(1e-3, median(bwd) - forwardMs);
          const row: Row = {
            resolution,
            gaussians: count,
            threads,
            forwardMs,
            backwardMs,
            fragments,
            forwardFragmentsPerSec: fragments / (forwardMs / 1000),
            backwardFragmentsPerSec: fragments / (backwardMs / 1000),
          };
          rows.push(row);
          if (!json) {
            io.out(
              `${String(resolution).padEnd(5)} ${String(count).padStart(9)} ${String(threads).padStart(7)} ${forwardMs.toFixed(2).padStart(8)} ${backwardMs.toFixed(2).padStart(8)} ${row.forwardFragmentsPerSec.toExponential(2).padStart(12)} ${row.backwardFragmentsPerSec.toExponential(2).padStart(12)}\n`,
            );
          }
        }
      }
    }
    const gradCheckResult = { maxRelError: smallGradCheck() };
    if (json) io.out(JSON.stringify({ benchmark: 'raster', repeats, rows, gradCheck: gradCheckResult }, null, 2) + '\n');
    else io.out(`\ngradient check (float32 kernel vs central differences): max relative error ${gradCheckResult.maxRelError.toExponential(2)}\n`);
    return 0;
  },
};
