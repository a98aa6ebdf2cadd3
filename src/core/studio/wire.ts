import type { Run, Snapshot } from '../../shared/runs';
import { liveStatus } from '../pipeline/run-control';
import type { RunRecord, SnapshotRecord } from '../store/run-repository';

/**
 * The one conversion of stored runs and snapshots to what clients see (StudioApi responses, events, engine
 * messages): a run with its live status and no process id; a snapshot without its checkpoint's hash.
 */
export function toWireRun(run: RunRecord): Run {
  const { pid: _, ...rest } = run;
  return { ...rest, status: liveStatus(run) };
}

export function toWireSnapshot(snapshot: SnapshotRecord): Snapshot {
  const { checkpointBlob: _, ...rest } = snapshot;
  return rest;
}
