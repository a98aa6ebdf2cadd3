import type { Benchmark } from './benchmark';
import { exportBenchmark } from './export';
import { farmBenchmark } from './farm';
import { glbScoreBenchmark } from './glb-score';
import { imageBenchmark } from './image';
import { meshBenchmark } from './mesh';
import { meshFitBenchmark } from './mesh-fit';
import { meshRasterBenchmark } from './mesh-raster';
import { fuzzBenchmark } from './fuzz';
import { methodsBenchmark } from './methods';
import { rasterBenchmark } from './raster';
import { storeBenchmark } from './store';
import { unetBenchmark } from './unet';

/** Every `kiln bench` benchmark, registered in one place (store and export arrive with their issues). */
export const BENCHMARKS: Benchmark[] = [rasterBenchmark, meshRasterBenchmark, meshFitBenchmark, glbScoreBenchmark, meshBenchmark, unetBenchmark, methodsBenchmark, imageBenchmark, storeBenchmark, exportBenchmark, fuzzBenchmark, farmBenchmark];
