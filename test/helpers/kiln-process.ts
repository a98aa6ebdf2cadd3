import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startBackground, type BackgroundProcess } from '../../src/cli/background-process';

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

/** `kiln ARGS` to its end without blocking this process's event loop (its sockets and timers keep working). */
export function kilnProcessAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<KilnResult> {
  const child = spawn(process.execPath, [KILN_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** A long-running `kiln` process (serve, worker) started in the background. */
export type BackgroundKiln = BackgroundProcess;

/** A real `kiln serve` process on a free port. */
export interface ServeProcess extends BackgroundKiln {
  url: string;
}

/** Starts `kiln ARGS` and resolves once its output matches `ready`, or rejects if it exits first. */
export const startBackgroundKiln = (args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}) => startBackground(process.execPath, [KILN_BIN, ...args], ready, env);

export async function startServeProcess(home: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const started = await startBackgroundKiln(['serve', '--port', '0', '--home', home, ...extraArgs], /at (http:\/\/\S+)/, env);
  return { ...started, url: started.match[1]! };
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
