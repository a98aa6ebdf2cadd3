import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnError } from '../shared/errors';
import { storageError } from '../core/fs/atomic-file';
import type { CliIo } from './command';

const ERROR_LOG = 'kiln-errors.log';
/** File-system errors whose meaning an artist can act on; any other error is a bug to report. */
const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS']);

/** Where unexpected errors are logged: HOME/logs, or the OS temp folder when the home cannot take it. */
export function errorLogCandidates(home: string | undefined): string[] {
  return [...(home ? [join(home, 'logs')] : []), tmpdir()];
}

function appendToLog(folders: string[], text: string): string | undefined {
  for (const folder of folders) {
    try {
      mkdirSync(folder, { recursive: true });
      const file = join(folder, ERROR_LOG);
      appendFileSync(file, text);
      return file;
    } catch {
      // a full or read-only disk: try the next folder
    }
  }
  return undefined;
}

/**
 * The one error policy of every `kiln` command: a KilnError prints its message; anything else prints one line and
 * where its full trace was logged (a storage failure in words that say what to do: "the disk is full …").
 */
export function reportCommandFailure(command: string, err: unknown, home: string | undefined, io: CliIo): number {
  if (err instanceof KilnError) {
    io.err(`kiln ${command}: ${err.message}\n`);
    return 1;
  }
  const errno = err as NodeJS.ErrnoException | undefined;
  const summary =
    errno?.code !== undefined && STORAGE_CODES.has(errno.code)
      ? storageError(err, errno.path ?? 'to the disk').message
      : `unexpected error: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
  const trace = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const log = appendToLog(errorLogCandidates(home), `${new Date().toISOString()} kiln ${command} (pid ${process.pid})\n${trace}\n\n`);
  io.err(`kiln ${command}: ${summary} (${log ? `the full trace is in ${log}` : 'the trace could not be logged'})\n`);
  return 1;
}
