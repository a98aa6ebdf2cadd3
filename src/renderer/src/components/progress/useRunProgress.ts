import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunProgress, Snapshot } from '../../../../shared/runs';
import { useStudioEvents } from '../../api/context';
import { appendPoint, emptyHistory, MAX_CHART_POINTS, pointFromMetrics, type ProgressHistory, type ProgressPoint } from './progress-history';

export interface RunProgressState {
  /** The newest progress report while this session watched the run; null before one arrived. */
  progress: RunProgress | null;
  /** The method's x̂₀ for the first view (PNG data URL), the newest one received. */
  preview: string | null;
  history: ProgressHistory;
}

/**
 * Live progress of a run. The chart starts from the stored snapshots' metrics (so a finished run has one too) and
 * continues with every progress report received since.
 */
export function useRunProgress(runId: string | null, snapshots: readonly Snapshot[]): RunProgressState {
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [liveVersion, setLiveVersion] = useState(0);
  const live = useRef<ProgressPoint[]>([]);

  useEffect(() => {
    live.current = [];
    setProgress(null);
    setPreview(null);
    setLiveVersion((v) => v + 1);
  }, [runId]);

  useStudioEvents((event) => {
    if (event.type !== 'run.progress' || event.progress.runId !== runId) return;
    const p = event.progress;
    live.current.push({ iteration: p.iteration, t: p.t, terms: p.terms });
    if (live.current.length > 4 * MAX_CHART_POINTS) live.current = live.current.filter((_, i) => i % 2 === 0);
    setProgress(p);
    if (p.preview) setPreview(p.preview);
    setLiveVersion((v) => v + 1);
  });

  const history = useMemo(() => {
    const built = emptyHistory();
    const firstLive = live.current[0]?.iteration ?? Infinity;
    for (const snapshot of snapshots) {
      const point = snapshot.iteration < firstLive ? pointFromMetrics(snapshot.iteration, snapshot.metrics) : null;
      if (point) appendPoint(built, point);
    }
    for (const point of live.current) appendPoint(built, point);
    return built;
    // liveVersion stands for the contents of the live ref.
  }, [snapshots, liveVersion]);

  return { progress, preview, history };
}
