import { z } from 'zod';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { gaussiansToSplatTable, loadSplatTransform } from './splat-transform-table';

export const SpzOptionsSchema = z
  .object({
    /**
     * SPZ container version. 3 (gzip, the default) is what every SPZ reader opens; Spark 2.2 — the studio's
     * viewer — recognises SPZ only inside gzip. 4 (per-attribute ZSTD streams) is smaller, for newer readers.
     */
    version: z.union([z.literal(3), z.literal(4)]).default(3),
  })
  .strict();
export type SpzOptions = z.output<typeof SpzOptionsSchema>;

/**
 * Gaussians as Niantic's SPZ through @playcanvas/splat-transform and the reference encoder (@adobe/spz, WASM).
 * SPZ quantises: positions to 24-bit fixed point, scales and opacity and colour to 8 bits, rotations to
 * smallest-three 10-bit, SH degree 1 to 5 bits and higher bands to 4 bits. Its frame is RUB, Kiln's world.
 */
export async function writeSpz(g: GaussianArrays, options: SpzOptions): Promise<Uint8Array> {
  const { writeSpz: encode, MemoryFileSystem } = await loadSplatTransform();
  const fs = new MemoryFileSystem();
  await encode({ filename: 'out.spz', dataTable: await gaussiansToSplatTable(g), version: options.version }, fs);
  const bytes = fs.results.get('out.spz');
  if (!bytes) throw new Error('splat-transform wrote no SPZ output');
  return bytes;
}
