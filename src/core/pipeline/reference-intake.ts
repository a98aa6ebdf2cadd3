import { KilnError } from '../../shared/errors';
import { ReferenceImageRequest } from '../../shared/runs';
import { formatZodIssues } from '../../shared/zod-issues';
import { preprocessReferenceImage } from '../image/reference/preprocess-reference-image';
import type { BlobStore } from '../store/blob-store';
import { defaultModel, modelFacts } from './open-run-prior';

export interface StoredReference {
  /** The request with its reference image's bytes replaced by their blob (what a run's config keeps). */
  request: Record<string, unknown>;
  /** What the artist should check about the cut-out (the built-in segmentation's warnings). */
  warnings: string[];
}

/**
 * Takes in the reference image of a run request (or of a branch's overrides) before the run is recorded: the
 * photo is decoded, cut out and framed at the model's resolution exactly as the engine will, so a damaged,
 * oversized or empty image is a KilnError 'invalid-image' with no row written; then its original bytes go into
 * the blob store (content-addressed, so the same photo is stored once) and the request names the blob. A request
 * without an image, or whose image is already a blob, is checked the same way and returned as it is.
 */
export async function storeReferenceImage(blobs: BlobStore, request: Record<string, unknown>): Promise<StoredReference> {
  if (request.referenceImage === undefined) return { request, warnings: [] };
  const parsed = ReferenceImageRequest.safeParse(request.referenceImage);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid reference image: ${formatZodIssues(parsed.error)}`);
  const { data, blob, ...rest } = parsed.data;
  let bytes: Uint8Array;
  if (blob !== undefined) {
    if (!blobs.has(blob)) throw new KilnError('not-found', `no stored reference image ${blob.slice(0, 12)}…; send the image's bytes instead`);
    bytes = blobs.read(blob);
  } else {
    bytes = Buffer.from(data!, 'base64');
  }
  const model = typeof request.model === 'string' ? request.model : defaultModel(true);
  const { imageSize, recentreReference } = modelFacts(model);
  const preprocessed = await preprocessReferenceImage(bytes, { recentre: recentreReference, ...rest.settings, size: imageSize }, { name: rest.name });
  const stored = blob ?? blobs.put(bytes);
  return { request: { ...request, referenceImage: { ...rest, blob: stored } }, warnings: preprocessed.warnings };
}
