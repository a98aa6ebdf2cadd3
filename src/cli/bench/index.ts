import type { Benchmark } from './benchmark';

/** Every `kiln bench` benchmark, registered in one place (later issues add raster, unet, methods, store, export). */
export const BENCHMARKS: Benchmark[] = [];
