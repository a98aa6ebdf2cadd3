import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoPack } from '../../../src/core/diffusion/demo/build-demo-pack';
import { executeRun } from '../../../src/core/pipeline/generation';
import { createRun } from '../../../src/core/pipeline/run-control';
import { openKilnStore } from '../../../src/core/store/kiln-store';
import { makeTempHome } from '../../helpers/temp-home';

// A real full disk: the Kiln home on a small tmpfs (needs root to mount, as CI has; skipped otherwise).
const mountPoint = makeTempHome('kiln-full-disk-');
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint.home], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}
const home = join(mountPoint.home, 'home');
const filler = join(mountPoint.home, 'filler.bin');

beforeAll(() => {
  if (!mounted) return;
  mkdirSync(home);
  ensureDemoPack(home, 'pixel');
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint.home]);
  mountPoint.cleanup();
});

function fillLeaving(bytesFree: number) {
  const stats = statfsSync(mountPoint.home);
  const free = stats.bavail * stats.bsize;
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - bytesFree)));
}

describe.skipIf(!mounted)('a full disk during a run', () => {
  it('fails with a plain message, leaves no partial blob and an intact database, and resumes once space is freed', async () => {
    const store = openKilnStore(home);
    try {
      const project = store.projects.create('Full disk');
      const run = createRun(store.runs, project.id, { prompt: 'a mug', iterations: 12, snapshotEvery: 4, initialGaussians: 1500, batchSize: 1 });
      fillLeaving(256 * 1024);
      const env = { home, runs: store.runs, blobs: store.blobs, threads: 1 };
      await expect(executeRun(env, run.id)).rejects.toThrow(/the disk is full; free some space and try again/);
      const leftovers = readdirSync(store.blobs.root, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
      expect(leftovers).toEqual([]);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const s of store.runs.listSnapshots(run.id)) store.blobs.read(s.payloadBlob, { verify: true });

      rmSync(filler);
      const done = await executeRun(env, run.id);
      expect(done.status).toBe('completed');
      expect(store.runs.latestSnapshot(run.id)!.iteration).toBe(12);
    } finally {
      store.close();
    }
  }, 120_000);
});
