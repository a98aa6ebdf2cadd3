import { z } from 'zod';
import { RunId } from './runs';

/** Export a snapshot of a run (the newest when `iteration` is omitted) with a registered format's options. */
export const ExportRequest = z
  .object({
    runId: RunId,
    iteration: z.number().int().min(0).optional(),
    /** A format name from `exports.formats` (ply, spz, sog, glb, ...). */
    format: z.string().trim().min(1, { message: 'format must not be empty' }),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** An export written into the blob store (and recorded as an asset of the run). */
export const ExportResult = z.object({
  format: z.string(),
  iteration: z.number().int(),
  byteLength: z.number().int(),
  /** A suggested, safe file name, e.g. "a-red-cube-sds-800.glb". */
  fileName: z.string(),
  /** Content hash; the browser downloads GET /api/blobs/<blob>?download=<fileName>. */
  blob: z.string(),
});
export type ExportResult = z.infer<typeof ExportResult>;

/** Electron's save dialog result: `saved: false` when the artist cancelled it. */
export const ExportToFileResult = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(false) }),
  z.object({
    saved: z.literal(true),
    format: z.string(),
    iteration: z.number().int(),
    byteLength: z.number().int(),
    /** Where it was written (chosen by the artist in the native dialog). */
    path: z.string(),
    fileName: z.string(),
  }),
]);
export type ExportToFileResult = z.infer<typeof ExportToFileResult>;
