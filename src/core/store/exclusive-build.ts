import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KilnError } from '../../shared/errors';

const POLL_MS = 100;
const DEFAULT_WAIT_MS = 10 * 60_000;
const EMPTY_LOCK_GRACE_MS = 5_000;

/**
 * Runs `build` while holding `<target>.lock`, so that two Kiln processes on one home (the CLI beside the studio, two
 * benchmarks) never build the same thing at once: one builds, the others wait and then see its result. A lock left by
 * a process that no longer exists is taken over.
 */
export function withExclusiveBuild<T>(target: string, build: () => T, waitMs = DEFAULT_WAIT_MS): T {
  const lock = `${target}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!holderAlive(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new KilnError(
          'conflict',
          `another Kiln process (pid ${readHolder(lock)}) has been building ${target} for ${Math.round(waitMs / 1000)} s; ` +
            `if no Kiln is running, delete ${lock}`,
        );
      sleep(POLL_MS);
    }
  }
  try {
    return build();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readHolder(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function holderAlive(lock: string): boolean {
  const pid = readHolder(lock);
  // A lock being written this instant reads empty: held, unless it has stayed empty (its writer died mid-write).
  if (pid === null) return Date.now() - mtimeMs(lock) < EMPTY_LOCK_GRACE_MS;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
