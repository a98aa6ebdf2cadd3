import { join } from 'node:path';
import { utilityProcess } from 'electron';
import type { EngineHandle, EngineLauncher, EngineMessage, HostMessage } from '../core/studio/engine-launcher';

/**
 * The desktop app's engine host: each run in an Electron utilityProcess running `kiln engine-run`, so ONNX Runtime
 * and the native kernels never block (or crash) the main process.
 */
export class UtilityEngineLauncher implements EngineLauncher {
  constructor(
    private readonly root: string,
    /** better-sqlite3 built for Electron's ABI (the utility process runs Electron's Node). */
    private readonly sqliteBinding: string | undefined,
  ) {}

  launch(home: string, runId: string, onMessage: (message: EngineMessage) => void): EngineHandle {
    const child = utilityProcess.fork(join(this.root, 'bin', 'kiln.mjs'), ['engine-run', runId, '--home', home], {
      serviceName: `Kiln engine ${runId.slice(0, 8)}`,
      env: this.sqliteBinding ? { ...process.env, KILN_SQLITE_BINDING: this.sqliteBinding } : process.env,
      stdio: 'ignore',
    });
    child.on('message', (m: unknown) => onMessage(m as EngineMessage));
    const exited = new Promise<{ code: number | null; detail: string }>((resolve) =>
      child.once('exit', (code: number) => resolve({ code, detail: `the engine exited with code ${code}` })),
    );
    return {
      stop: (mode) => child.postMessage({ type: 'stop', mode } satisfies HostMessage),
      exited,
    };
  }
}
