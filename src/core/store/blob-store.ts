import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../shared/errors';
import { storageError, writeFileAtomic } from '../fs/atomic-file';

const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** What `temporaryPathFor` names a blob's temporary: `.<hash>.<pid>.<counter>.tmp`. */
const TEMPORARY_PATTERN = /^\.[0-9a-f]{64}\.\d+\.\d+\.tmp$/;
const SHARD_PATTERN = /^[0-9a-f]{2}$/;

export interface SweepOptions {
  /**
   * Files younger than this are kept even when unreferenced: a running pipeline writes a blob just before the row
   * that points to it commits, and a slow write leaves its temporary for a moment. Default 10 minutes.
   */
  graceMs?: number;
  now?: number;
  /** Count what would go without removing anything (`kiln doctor` without --repair). */
  dryRun?: boolean;
}

export interface SweepResult {
  removedBlobs: number;
  removedBytes: number;
  removedTemporaries: number;
  keptBlobs: number;
}

/** The lowercase sha256 hex of `bytes` (one buffer or several chunks hashed as their concatenation). */
export function sha256Hex(bytes: Uint8Array | readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const chunk of bytes instanceof Uint8Array ? [bytes] : bytes) hash.update(chunk);
  return hash.digest('hex');
}

function byteLength(bytes: Uint8Array | readonly Uint8Array[]): number {
  return bytes instanceof Uint8Array ? bytes.byteLength : bytes.reduce((n, c) => n + c.byteLength, 0);
}

const READ_CHUNK_BYTES = 1 << 20;

/** Reads a whole file chunk by chunk, feeding each chunk to `digest` as it arrives. */
function readHashing(path: string, digest: Hash | undefined): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, bytes, offset, Math.min(READ_CHUNK_BYTES, size - offset), null);
      if (n === 0) break; // shrunk while reading: the hash tells
      digest?.update(bytes.subarray(offset, offset + n));
      offset += n;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new KilnError('storage', `cannot inspect ${path}: ${(err as Error).message}`);
  }
}

/**
 * Content-addressed files under one folder (`KILN_HOME/blobs`): `<first 2 hex>/<sha256 hex>`. A blob is written
 * atomically (temporary beside it, fsync, rename, folder fsync), so it exists whole or not at all, and is never
 * rewritten once present. Hashes are validated before any path is built from them.
 */
export class BlobStore {
  constructor(
    readonly root: string,
    /** Which run and snapshot refer to a blob, for the message about a damaged or missing one. */
    private readonly describeUse?: (hash: string) => string | undefined,
  ) {}

  /** Stores `bytes` and returns their hash; a blob already present (same hash, same size) is left untouched. */
  put(bytes: Uint8Array | readonly Uint8Array[]): string {
    const hash = sha256Hex(bytes);
    const path = this.path(hash);
    const existing = statOrUndefined(path);
    // A size mismatch can only be damage from outside Kiln; writing the blob again repairs it.
    if (existing?.isFile() && existing.size === byteLength(bytes)) return hash;
    const shard = join(this.root, hash.slice(0, 2));
    try {
      mkdirSync(shard, { recursive: true });
    } catch (err) {
      throw storageError(err, shard);
    }
    writeFileAtomic(path, bytes);
    return hash;
  }

  /**
   * The blob's bytes, hashed as they are read (one pass, in chunks) and refused when they no longer match the name:
   * content-addressed means verified. `verify: false` exists for the store benchmark to measure what hashing costs.
   */
  read(hash: string, options: { verify?: boolean } = {}): Buffer {
    const path = this.path(hash);
    const digest = options.verify === false ? undefined : createHash('sha256');
    let bytes: Buffer;
    try {
      bytes = readHashing(path, digest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw new KilnError(
          'not-found',
          `blob ${hash}${this.usedBy(hash)} is missing from ${this.root}; the Kiln home may be damaged (files deleted, moved or restored ` +
            'from an incomplete backup) — restore the folder or discard the run that refers to it ("kiln doctor" lists them)',
        );
      }
      throw new KilnError('storage', `cannot read blob ${path}: ${(err as Error).message}`);
    }
    const actual = digest?.digest('hex');
    if (actual !== undefined && actual !== hash) {
      throw new KilnError(
        'storage',
        `blob ${path}${this.usedBy(hash)} is damaged: its content hashes to ${actual}, not ${hash}; the disk or a program ` +
          'outside Kiln changed it — restore the Kiln home from a backup, or run "kiln doctor --repair" to set it aside',
      );
    }
    return bytes;
  }

  private usedBy(hash: string): string {
    const use = this.describeUse?.(hash);
    return use ? ` (${use})` : '';
  }

  has(hash: string): boolean {
    return statOrUndefined(this.path(hash))?.isFile() ?? false;
  }

  /** Where the blob lives (or would live). Throws for anything that is not a 64-digit lowercase hex hash. */
  path(hash: string): string {
    assertBlobHash(hash);
    return join(this.root, hash.slice(0, 2), hash);
  }

  /** Removes the blob; returns whether it was there. */
  delete(hash: string): boolean {
    const path = this.path(hash);
    if (!this.has(hash)) return false;
    rmSync(path, { force: true });
    return true;
  }

  /** Removes every blob not in `referenced`, and stale temporaries left by interrupted writes (or counts them). */
  sweep(referenced: ReadonlySet<string>, options: SweepOptions = {}): SweepResult {
    const cutoff = (options.now ?? Date.now()) - (options.graceMs ?? 10 * 60_000);
    const result: SweepResult = { removedBlobs: 0, removedBytes: 0, removedTemporaries: 0, keptBlobs: 0 };
    if (!statOrUndefined(this.root)?.isDirectory()) return result;
    for (const shard of readdirSync(this.root)) {
      if (!SHARD_PATTERN.test(shard)) continue;
      const folder = join(this.root, shard);
      if (!statOrUndefined(folder)?.isDirectory()) continue;
      for (const name of readdirSync(folder)) {
        const isBlob = HASH_PATTERN.test(name) && name.startsWith(shard);
        const isTemporary = TEMPORARY_PATTERN.test(name);
        if (!isBlob && !isTemporary) continue; // not Kiln's: leave it alone
        if (isBlob && referenced.has(name)) {
          result.keptBlobs++;
          continue;
        }
        const path = join(folder, name);
        const stats = statOrUndefined(path);
        if (!stats?.isFile()) continue;
        if (stats.mtimeMs > cutoff) {
          if (isBlob) result.keptBlobs++;
          continue;
        }
        if (!options.dryRun) rmSync(path, { force: true });
        if (isBlob) {
          result.removedBlobs++;
          result.removedBytes += stats.size;
        } else {
          result.removedTemporaries++;
        }
      }
    }
    return result;
  }
}

export function isBlobHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

export function assertBlobHash(value: unknown): asserts value is string {
  if (isBlobHash(value)) return;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(value);
  throw new KilnError('invalid-request', `${shown} is not a blob hash (expected 64 lowercase hexadecimal digits)`);
}
