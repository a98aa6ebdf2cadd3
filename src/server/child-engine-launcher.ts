import { fork } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root';
import type { EngineHandle, EngineLauncher, EngineMessage, HostMessage } from '../core/studio/engine-launcher';

/** Runs each run in `kiln engine-run RUN` as a forked Node child with an IPC channel. */
export class ChildEngineLauncher implements EngineLauncher {
  constructor(private readonly cliPath = join(packageRoot(), 'bin', 'kiln.mjs')) {}

  launch(home: string, runId: string, onMessage: (message: EngineMessage) => void): EngineHandle {
    let stderr = '';
    const child = fork(this.cliPath, ['engine-run', runId, '--home', home], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('message', (m) => onMessage(m as EngineMessage));
    const exited = new Promise<{ code: number | null; detail: string }>((resolve) => {
      child.on('error', (err) => resolve({ code: null, detail: `the engine could not start: ${err.message}` }));
      child.on('exit', (code, signal) =>
        resolve({ code, detail: signal ? `the engine process was killed (${signal})` : `the engine exited with code ${code}${stderr ? `: ${lastLine(stderr)}` : ''}` }),
      );
    });
    return {
      stop: (mode) => {
        if (child.connected) child.send({ type: 'stop', mode } satisfies HostMessage);
      },
      exited,
    };
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() && !l.startsWith('    at ')).at(-1) ?? '';
}
