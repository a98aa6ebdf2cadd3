import { spawn, spawnSync } from 'node:child_process';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withExclusiveBuild } from '../../../src/core/store/exclusive-build';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-lock-');
afterAll(() => temp.cleanup());

/** The pid of a process that has exited (so a lock naming it is stale). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('one build at a time per target', () => {
  it('builds, holding the lock only while it builds', () => {
    const target = join(temp.home, 'a');
    const result = withExclusiveBuild(target, () => {
      expect(existsSync(`${target}.lock`)).toBe(true);
      return 42;
    });
    expect(result).toBe(42);
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('releases the lock when the build throws', () => {
    const target = join(temp.home, 'b');
    expect(() => withExclusiveBuild(target, () => { throw new Error('disk full'); })).toThrow('disk full');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('waits while another live process holds the lock, then builds', () => {
    const target = join(temp.home, 'c');
    // A live process holds the lock and lets go of it after 400 ms.
    const holder = spawn('sh', ['-c', `sleep 0.4; rm -f '${target}.lock'`]);
    writeFileSync(`${target}.lock`, String(holder.pid));
    const start = Date.now();
    expect(withExclusiveBuild(target, () => 'built')).toBe('built');
    expect(Date.now() - start).toBeGreaterThanOrEqual(350);
  });

  it('takes over a lock whose process is gone, and one left empty by a writer that died', () => {
    const target = join(temp.home, 'd');
    writeFileSync(`${target}.lock`, String(deadPid()));
    expect(withExclusiveBuild(target, () => 'built', 1_000)).toBe('built');
    writeFileSync(`${target}.lock`, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${target}.lock`, longAgo, longAgo);
    expect(withExclusiveBuild(target, () => 'built again', 1_000)).toBe('built again');
  });

  it('gives up after the wait with a conflict that names the lock to delete', () => {
    const target = join(temp.home, 'e');
    const holder = spawn('sleep', ['5']);
    try {
      writeFileSync(`${target}.lock`, String(holder.pid));
      expect(() => withExclusiveBuild(target, () => 'never', 300)).toThrow(new RegExp(`pid ${holder.pid}.*delete ${target}\\.lock`));
    } finally {
      holder.kill();
    }
  });
});
