import { useCallback, useEffect, useState } from 'react';
import type { Run } from '../../../../shared/runs';
import { useStudioApi, useStudioEvents } from '../../api/context';

/** The runs of a project, refreshed when a run starts or finishes anywhere. */
export function useProjectRuns(projectId: string | null): { runs: Run[]; error: string | null } {
  const api = useStudioApi();
  const [runs, setRuns] = useState<Run[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    if (!projectId) return setRuns([]);
    api.call('runs.list', { projectId }).then(
      (list) => {
        setRuns(list);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [api, projectId]);
  useEffect(refresh, [refresh]);

  useStudioEvents((event) => {
    if ((event.type === 'run.started' || event.type === 'run.finished') && event.run.projectId === projectId) {
      setRuns((prev) => [...prev.filter((r) => r.id !== event.run.id), event.run]);
    } else if (event.type === 'run.snapshot') {
      setRuns((prev) =>
        prev.map((r) => (r.id === event.snapshot.runId ? { ...r, lastIteration: Math.max(r.lastIteration, event.snapshot.iteration) } : r)),
      );
    }
  });

  return { runs, error };
}
