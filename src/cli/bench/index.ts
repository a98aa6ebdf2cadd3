import type { Benchmark } from './benchmark';
import { rasterBenchmark } from './raster';
import { unetBenchmark } from './unet';

/** Every `kiln bench` benchmark, registered in one place (later issues add raster, unet, methods, store, export). */
export const BENCHMARKS: Benchmark[] = [rasterBenchmark, unetBenchmark];
