import type { Run, RunProgress, Snapshot } from '../../shared/runs';

/** Messages an engine process sends its host. */
export type EngineMessage =
  /** The run changed hands (a farm worker took it); the run list shows which worker runs what. */
  | { type: 'started'; run: Run }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'snapshot'; snapshot: Snapshot }
  /** Live Gaussians between snapshots: a compact payload in base64 (every IPC channel carries strings as they are). */
  | { type: 'splats'; runId: string; iteration: number; gaussians: number; payloadBase64: string }
  /** The live mesh of a mesh stage, the same way (a mesh snapshot payload). */
  | { type: 'mesh'; runId: string; iteration: number; stage: number; faces: number; payloadBase64: string }
  | { type: 'finished'; run: Run };

/** Messages the host sends an engine process. */
export type HostMessage = { type: 'stop'; mode: 'cancel' | 'pause' };

/** One engine process running one run. */
export interface EngineHandle {
  stop(mode: 'cancel' | 'pause'): void;
  /** Resolves when the process has exited (for whatever reason) with its exit code and a description of its end. */
  readonly exited: Promise<{ code: number | null; detail: string }>;
}

/**
 * Starts an engine outside the caller's thread, so the server or the window stays responsive and an engine crash
 * cannot take them down: a Node child process for `kiln serve`, a utilityProcess in Electron.
 */
export interface EngineLauncher {
  launch(home: string, runId: string, onMessage: (message: EngineMessage) => void): EngineHandle;
  /** Runs that go on when the host stops (a farm's workers): shutting down then leaves them running. */
  readonly runsOutliveHost?: boolean;
  /** Releases what the launcher holds (a farm's Redis connections). */
  close?(): Promise<void>;
}
