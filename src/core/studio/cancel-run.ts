import { readFileSync } from 'node:fs';
import { KilnError } from '../../shared/errors';
import { isAlive, liveStatus } from '../pipeline/run-control';
import type { KilnStore } from '../store/kiln-store';
import type { RunRecord } from '../store/run-repository';

const STOP_WAIT_MS = 60_000;
const POLL_MS = 100;

/** Whether the process still runs: on Linux an exited child its parent has not reaped yet (a zombie) does not. */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return true;
  }
}

/** On Linux, whether a live pid is still a Kiln process (a pid the system reused for something else is not). */
function isKilnProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('kiln');
  } catch {
    return process.platform !== 'linux'; // elsewhere there is no cheap way to tell: trust the row
  }
}

/**
 * Ends a run in any state, from any process: a run another Kiln process is working on is asked to stop (SIGTERM:
 * `kiln generate` stops after the current iteration with a snapshot; an engine process just ends) and awaited; a
 * run marked running whose process is gone, or never started (a row recorded before a failure), and a paused,
 * failed or interrupted run are marked cancelled. A completed or cancelled run is returned as it is.
 */
export async function cancelRun(store: KilnStore, runId: string, waitMs = STOP_WAIT_MS): Promise<RunRecord> {
  const run = store.runs.getRun(runId);
  const status = liveStatus(run);
  if (status === 'completed' || status === 'cancelled') return run;
  const pid = run.pid;
  if (status === 'running' && pid !== null && pid !== process.pid && isKilnProcess(pid)) {
    process.kill(pid, 'SIGTERM');
    const end = Date.now() + waitMs;
    while (isRunning(pid)) {
      if (Date.now() > end) {
        throw new KilnError('conflict', `process ${pid} running run ${run.id.slice(0, 8)} did not stop within ${waitMs / 1000} s; end it (kill ${pid}) and cancel again`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  // Re-read: the process may have recorded its own end (paused, failed) while stopping; its error stays.
  const latest = store.runs.getRun(runId);
  return store.runs.setStatus(runId, 'cancelled', { error: latest.error });
}
