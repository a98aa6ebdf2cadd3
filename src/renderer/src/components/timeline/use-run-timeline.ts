import { useEffect, useState } from 'react';
import type { Run, Snapshot } from '../../../../shared/runs';
import { useStudioApi, useStudioEvents } from '../../api/context';

export interface RunTimeline {
  run: Run | null;
  /** Snapshots in iteration order; grows while the run trains. */
  snapshots: Snapshot[];
  error: string | null;
}

const EMPTY: RunTimeline = { run: null, snapshots: [], error: null };

function withSnapshot(snapshots: Snapshot[], snapshot: Snapshot): Snapshot[] {
  const rest = snapshots.filter((s) => s.iteration !== snapshot.iteration);
  return [...rest, snapshot].sort((a, b) => a.iteration - b.iteration);
}

/** A run and its snapshots, kept current from the run events. */
export function useRunTimeline(runId: string | null): RunTimeline {
  const api = useStudioApi();
  const [state, setState] = useState<RunTimeline & { runId: string | null }>({ ...EMPTY, runId: null });

  useEffect(() => {
    if (!runId) return setState({ ...EMPTY, runId: null });
    let cancelled = false;
    setState({ ...EMPTY, runId });
    Promise.all([api.call('runs.get', { runId }), api.call('runs.timeline', { runId })]).then(
      ([run, snapshots]) => {
        if (cancelled) return;
        // Events that arrived while loading are kept: merge rather than replace.
        setState((prev) => ({
          runId,
          run: prev.run && prev.run.updatedAt > run.updatedAt ? prev.run : run,
          snapshots: prev.snapshots.reduce(withSnapshot, [...snapshots].sort((a, b) => a.iteration - b.iteration)),
          error: null,
        }));
      },
      (err: Error) => !cancelled && setState((prev) => ({ ...prev, error: err.message })),
    );
    return () => {
      cancelled = true;
    };
  }, [api, runId]);

  useStudioEvents((event) => {
    if (!runId) return;
    if (event.type === 'run.snapshot' && event.snapshot.runId === runId) {
      setState((prev) => (prev.runId === runId ? { ...prev, snapshots: withSnapshot(prev.snapshots, event.snapshot) } : prev));
    } else if ((event.type === 'run.started' || event.type === 'run.finished') && event.run.id === runId) {
      setState((prev) => (prev.runId === runId ? { ...prev, run: event.run } : prev));
      // The final snapshot is committed with the finish; re-read so nothing missed while reconnecting is lost.
      if (event.type === 'run.finished') {
        api.call('runs.timeline', { runId }).then(
          (snapshots) => setState((prev) => (prev.runId === runId ? { ...prev, snapshots: snapshots.reduce(withSnapshot, prev.snapshots) } : prev)),
          (err: Error) => setState((prev) => (prev.runId === runId ? { ...prev, error: err.message } : prev)),
        );
      }
    }
  });

  return state.runId === runId ? state : { ...EMPTY };
}
