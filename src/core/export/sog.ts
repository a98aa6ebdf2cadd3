import { z } from 'zod';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { gaussiansToSplatTable, loadSplatTransform } from './splat-transform-table';

export const SogOptionsSchema = z
  .object({
    /** k-means iterations for the SH palette (splat-transform's default, 10); more is slower and slightly truer. */
    iterations: z.number().int().min(1).max(100).default(10),
  })
  .strict();
export type SogOptions = z.output<typeof SogOptionsSchema>;

/**
 * Gaussians as PlayCanvas SOG (one bundled .sog: WebP-lossless textures, SH through a k-means palette) via
 * @playcanvas/splat-transform on the CPU. Smaller than SPZ for large scenes but much slower to encode.
 */
export async function writeSog(g: GaussianArrays, options: SogOptions): Promise<Uint8Array> {
  const { writeSog: encode, MemoryFileSystem } = await loadSplatTransform();
  const fs = new MemoryFileSystem();
  await encode({ filename: 'out.sog', dataTable: await gaussiansToSplatTable(g), bundle: true, iterations: options.iterations, logging: 'silent' }, fs);
  const bytes = fs.results.get('out.sog');
  if (!bytes) throw new Error('splat-transform wrote no SOG output');
  return bytes;
}
