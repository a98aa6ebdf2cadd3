import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root';

/** A long-running process started in the background (redis-server, kiln serve, kiln worker). */
export interface BackgroundProcess {
  child: ChildProcess;
  /** The match of the output line that said it was ready. */
  match: RegExpExecArray;
  /** Everything it printed on stdout and stderr so far. */
  output(): string;
  /** SIGTERM (or the given signal) and wait for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The `kiln` command of this checkout, for spawning it with the running Node. */
export const KILN_CLI = join(packageRoot(), 'bin', 'kiln.mjs');

/** Starts `command ARGS` and resolves once its output matches `ready`; rejects if it exits or stays silent first. */
export async function startBackground(command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<BackgroundProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nothing left behind writing into folders the caller is about to remove
      reject(new Error(`${command} ${args[0] ?? ''} did not start within ${timeoutMs / 1000} s: ${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args[0] ?? ''} exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    match,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server on a free loopback port with its files in `dir`: nothing saved, or with `persistent` every
 * write in the append-only file, fsynced (what a farm's Redis should run with).
 */
export async function startLocalRedis(dir: string, options: { persistent?: boolean; port?: number } = {}): Promise<BackgroundProcess & { url: string; args: string[] }> {
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  const started = await startBackground('redis-server', args, /Ready to accept connections/);
  return { ...started, url: `redis://127.0.0.1:${port}`, args };
}
