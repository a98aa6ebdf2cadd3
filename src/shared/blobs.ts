import { z } from 'zod';

/** Payloads (snapshots, thumbnails, exports) are named by the SHA-256 of their bytes, 64 lower-case hex digits. */
export const BLOB_HASH_PATTERN = /^[0-9a-f]{64}$/;

export const BlobHash = z.string().regex(BLOB_HASH_PATTERN, { message: 'a blob is named by its 64-hex-digit SHA-256' });

/** Where `kiln serve` serves a blob; `download` asks for an attachment with that file name. */
export function blobUrlPath(hash: string, download?: string): string {
  return `/api/blobs/${hash}${download ? `?download=${encodeURIComponent(download)}` : ''}`;
}
