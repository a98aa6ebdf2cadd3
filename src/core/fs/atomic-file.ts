import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KilnError } from '../../shared/errors';

let counter = 0;

/** A temporary name beside `path` (same folder, so the final rename is atomic on one file system). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

/** Turns an fs error into the message an artist can act on (full disk, no permission, missing folder). */
export function storageError(err: unknown, path: string): KilnError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOSPC' ? 'the disk is full; free some space and try again'
    : code === 'EDQUOT' ? 'the disk quota is exceeded; free some space and try again'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied; choose a folder you can write to'
    : code === 'ENOENT' ? 'the folder does not exist'
    : code === 'EROFS' ? 'the file system is read-only'
    : (err as Error)?.message ?? String(err);
  return new KilnError('storage', `cannot write ${path}: ${reason}`);
}

/**
 * Writes `chunks` to `path` so that a reader (or a crash) never sees a partial file: write a temporary file beside
 * it, fsync it, rename it over `path`, then fsync the folder so the rename itself survives a power cut. On any
 * failure the temporary file is removed and the destination is left as it was.
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | readonly Uint8Array[]): void {
  const tmp = temporaryPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    for (const chunk of chunks instanceof Uint8Array ? [chunks] : chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) offset += writeSync(fd, chunk, offset, chunk.byteLength - offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw storageError(err, path);
  }
  fsyncFolder(dirname(path));
}

/** Makes a rename or unlink in `folder` durable (a no-op where folders cannot be opened, as on Windows). */
export function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
