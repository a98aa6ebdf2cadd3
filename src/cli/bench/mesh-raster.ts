import { marchingCubes } from '../../core/export/mesh/marching-cubes';
import { sampleScalarGrid } from '../../core/export/mesh/scalar-grid';
import type { TriangleMesh } from '../../core/export/mesh/triangle-mesh';
import { Rng } from '../../core/random/rng';
import { withCoverage } from '../../core/render/mesh-coverage';
import { MeshRasterizer } from '../../core/render/mesh-rasterizer';
import { toKernelCamera } from '../../core/scene/cameras/camera';
import { orbitCamera } from '../../core/scene/cameras/orbit';
import { median, timeRuns } from '../../core/stats';
import type { Benchmark } from './benchmark';

const RESOLUTIONS = [64, 128, 256];
const VIEWS = 4;
/** What the DMTet stage interpolates: world position, normal, colour-field coordinates. */
const ATTRIBUTE_CHANNELS = 9;
/** What it antialiases: shaded RGB + coverage. */
const IMAGE_CHANNELS = 3;

/** A bumpy closed blob of about 20k triangles, the size of a DMTet surface at grid 64, from marching cubes. */
function benchMesh(): TriangleMesh {
  const n = 60;
  const spacing = 1.8 / (n - 1);
  const grid = sampleScalarGrid([-0.9, -0.9, -0.9], spacing, [n, n, n], (x, y, z) =>
    0.7 - Math.hypot(x, y, z) + 0.08 * Math.sin(7 * x) * Math.sin(6 * y) * Math.sin(5 * z),
  );
  return marchingCubes(grid, 0);
}

interface Row {
  resolution: number;
  threads: number;
  rasterizeMs: number;
  interpolateMs: number;
  antialiasMs: number;
  backwardMs: number;
  totalMs: number;
  coveredFraction: number;
  blends: number;
}

export const meshRasterBenchmark: Benchmark = {
  name: 'mesh-raster',
  summary: `mesh rasterizer, a ${VIEWS}-view batch of a ~20k-triangle mesh: ms per stage forward and all backward, by resolution and threads`,
  options: { repeats: { type: 'string' }, quick: { type: 'boolean' } },
  async run({ values, json }, io) {
    const repeats = Number(values.repeats ?? 5);
    const resolutions = values.quick ? [64, 256] : RESOLUTIONS;
    const mesh = benchMesh();
    const vertexCount = mesh.positions.length / 3;
    const triangles = mesh.indices.length / 3;
    const attributes = new Rng(1).fillNormal(new Float32Array(vertexCount * ATTRIBUTE_CHANNELS));
    const rows: Row[] = [];
    if (!json) {
      io.out(`${triangles} triangles, ${vertexCount} vertices, ${VIEWS} views, ${ATTRIBUTE_CHANNELS} attribute channels\n`);
      io.out('res   threads  raster ms  interp ms  aa ms  backward ms  total ms  covered  blends\n');
    }
    for (const resolution of resolutions) {
      const cameras = Array.from({ length: VIEWS }, (_, k) =>
        toKernelCamera(orbitCamera({ radiusM: 2.4, elevationDeg: 25 - 15 * k, azimuthDeg: 90 * k + 20 }, { fovYDeg: 50, width: resolution, height: resolution })),
      );
      const plane = VIEWS * resolution * resolution;
      const dImage = new Rng(2).fillNormal(new Float32Array((IMAGE_CHANNELS + 1) * plane));
      for (const threads of [1, 2]) {
        const raster = new MeshRasterizer(threads);
        const r = raster.rasterize(mesh, cameras);
        const attrImage = raster.interpolate(r, attributes, ATTRIBUTE_CHANNELS);
        // Stand-in shading: the first three attribute channels are the colour.
        const shaded = withCoverage(r, attrImage.slice(0, IMAGE_CHANNELS * plane), IMAGE_CHANNELS);
        const aa = raster.antialias(r, shaded, IMAGE_CHANNELS + 1);
        const rasterizeMs = median(await timeRuns(() => raster.rasterize(mesh, cameras), repeats));
        const interpolateMs = median(await timeRuns(() => raster.interpolate(r, attributes, ATTRIBUTE_CHANNELS), repeats));
        const antialiasMs = median(await timeRuns(() => raster.antialias(r, shaded, IMAGE_CHANNELS + 1), repeats));
        const dAttrImage = new Float32Array(ATTRIBUTE_CHANNELS * plane);
        const backwardMs = median(
          await timeRuns(() => {
            const back = raster.antialiasBackward(aa, dImage);
            dAttrImage.set(back.dImage.subarray(0, IMAGE_CHANNELS * plane));
            const interp = raster.interpolateBackward(r, attributes, ATTRIBUTE_CHANNELS, dAttrImage);
            return raster.rasterizeBackward(r, { dBary: interp.dBary });
          }, repeats),
        );
        const covered = r.triangleId.reduce((n, id) => n + (id >= 0 ? 1 : 0), 0);
        const row: Row = {
          resolution,
          threads,
          rasterizeMs,
          interpolateMs,
          antialiasMs,
          backwardMs,
          totalMs: rasterizeMs + interpolateMs + antialiasMs + backwardMs,
          coveredFraction: covered / plane,
          blends: aa.events.length / 6,
        };
        rows.push(row);
        if (!json) {
          io.out(
            `${String(resolution).padEnd(5)} ${String(threads).padStart(7)} ${rasterizeMs.toFixed(2).padStart(10)} ${interpolateMs.toFixed(2).padStart(10)} ${antialiasMs.toFixed(2).padStart(6)} ${backwardMs.toFixed(2).padStart(12)} ${row.totalMs.toFixed(2).padStart(9)} ${row.coveredFraction.toFixed(3).padStart(8)} ${String(row.blends).padStart(7)}\n`,
          );
        }
      }
    }
    if (json) io.out(JSON.stringify({ benchmark: 'mesh-raster', repeats, triangles, vertices: vertexCount, views: VIEWS, rows }, null, 2) + '\n');
    return 0;
  },
};
