import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis, type BackgroundProcess } from '../../src/cli/background-process';

/** A private redis-server on a free loopback port, in its own temp folder. */
export interface RedisProcess {
  url: string;
  /** kill -9 and start again on the same port and folder (with `persistent`, every write survives: AOF, fsync always). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(options: { persistent?: boolean } = {}): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-redis-'));
  const first = await startLocalRedis(dir, options);
  let current: BackgroundProcess = first;
  return {
    url: first.url,
    async restart() {
      await current.stop('SIGKILL');
      current = await startLocalRedis(dir, { ...options, port: Number(new URL(first.url).port) });
    },
    async stop() {
      await current.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
