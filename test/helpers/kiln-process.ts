import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The `kiln` command as users run it (bin/kiln.mjs → the out/cli bundle; `npm run build:cli` first). */
export const KILN_BIN = join(process.cwd(), 'bin', 'kiln.mjs');

export interface KilnResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `kiln ARGS` to its end as a separate process. */
export function kilnProcess(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): KilnResult {
  const result = spawnSync(process.execPath, [KILN_BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A real `kiln serve` process on a free port. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed on stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startServeProcess(home: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [KILN_BIN, 'serve', '--port', '0', '--home', home, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kiln serve did not start: ${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kiln serve exited with ${code}: ${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** POST /api/call/METHOD; resolves with the HTTP status and the parsed body. */
export async function callApi(url: string, method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/call/${method}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let json: { result?: unknown; error?: { code: string; message: string } } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // a binary result
  }
  return { status: res.status, ...json };
}
