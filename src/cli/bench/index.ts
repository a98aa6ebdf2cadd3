import type { Benchmark } from './benchmark';
import { exportBenchmark } from './export';
import { glbScoreBenchmark } from './glb-score';
import { meshFitBenchmark } from './mesh-fit';
import { meshRasterBenchmark } from './mesh-raster';
import { methodsBenchmark } from './methods';
import { rasterBenchmark } from './raster';
import { storeBenchmark } from './store';
import { unetBenchmark } from './unet';

/** Every `kiln bench` benchmark, registered in one place (store and export arrive with their issues). */
export const BENCHMARKS: Benchmark[] = [rasterBenchmark, meshRasterBenchmark, unetBenchmark, methodsBenchmark, storeBenchmark, exportBenchmark, meshFitBenchmark, glbScoreBenchmark];
