import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../../core/package-root';
import { openKilnStore } from '../../../core/store/kiln-store';
import { fuzzCli } from './cli-fuzz';
import type { FuzzPools, FuzzTally } from './fuzz-types';
import { fuzzStudioApi } from './studio-api-fuzz';

export interface FuzzSettings {
  apiCases: number;
  cliCases: number;
  seed: number;
}

export interface FuzzReport extends FuzzSettings {
  api: FuzzTally;
  cli: FuzzTally;
  /** PRAGMA integrity_check and foreign_key_check of the fuzzed home at the end ("ok" when sound). */
  integrity: string;
  seconds: number;
}

const KILN = () => join(packageRoot(), 'bin', 'kiln.mjs');

/** A small finished run to branch, export and scrub (its ids and snapshot iterations seed the pools). */
function seedHome(home: string): FuzzPools {
  const made = spawnSync(process.execPath, [KILN(), 'generate', '--prompt', 'a mug', '--project', 'Fuzz', '--iters', '4', '--snapshot-every', '2', '--gaussians', '100', '--batch', '1', '--threads', '1', '--home', home], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`could not seed the fuzz home: ${made.stderr}`);
  const store = openKilnStore(home);
  try {
    const runs = store.runs.listRuns();
    const snapshots = runs.flatMap((r) => store.runs.listSnapshots(r.id));
    return {
      projectIds: store.projects.list().map((p) => p.id),
      projectNames: store.projects.list().map((p) => p.name),
      runIds: runs.map((r) => r.id),
      blobs: snapshots.flatMap((s) => [s.payloadBlob, ...(s.thumbnailBlob ? [s.thumbnailBlob] : [])]),
      iterations: [...new Set(snapshots.map((s) => s.iteration))],
    };
  } finally {
    store.close();
  }
}

async function startServe(home: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [KILN(), 'serve', '--port', '0', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`kiln serve exited with ${code}: ${output}`)));
  });
  return { url, child, output: () => output };
}

function stopServe(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function integrity(home: string): string {
  const store = openKilnStore(home);
  try {
    const check = (store.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const foreignKeys = store.db.pragma('foreign_key_check') as unknown[];
    return foreignKeys.length > 0 ? `${check}; ${foreignKeys.length} foreign key violations` : check;
  } finally {
    store.close();
  }
}

/**
 * The fuzz: a fresh Kiln home with one small run, a real `kiln serve` fuzzed through the StudioApi, then real `kiln`
 * processes fuzzed through the command line, then the database checked. fast-check is a development dependency, so
 * it is loaded only here.
 */
export async function runFuzz(settings: FuzzSettings): Promise<FuzzReport> {
  const fc = await import('fast-check');
  const started = performance.now();
  const home = mkdtempSync(join(tmpdir(), 'kiln-fuzz-'));
  try {
    const pools = seedHome(home);
    const serve = await startServe(home);
    let api: FuzzTally;
    try {
      api = await fuzzStudioApi(fc, serve.url, home, pools, settings.apiCases, settings.seed);
    } catch (err) {
      await stopServe(serve.child);
      throw err;
    }
    // SIGTERM pauses any engine still working and waits for it: a clean exit is part of "the server still answers".
    const code = await stopServe(serve.child);
    if (code !== 0) api.failures.push(`kiln serve ended with code ${code}: ${serve.output().slice(-600)}`);
    const cli = await fuzzCli(fc, home, pools, settings.cliCases, settings.seed);
    return { ...settings, api, cli, integrity: integrity(home), seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
