import { createContext, useContext, type ReactNode } from 'react';
import { useStudioSelection } from '../../state/studio-selection';
import { useRunTimeline, type RunTimeline } from './use-run-timeline';

const SelectedRunTimelineContext = createContext<RunTimeline | null>(null);

/** The selected run and its snapshots, loaded once for the viewport and the timeline together. */
export function SelectedRunTimelineProvider({ children }: { children: ReactNode }) {
  const { runId } = useStudioSelection();
  const timeline = useRunTimeline(runId);
  return <SelectedRunTimelineContext.Provider value={timeline}>{children}</SelectedRunTimelineContext.Provider>;
}

export function useSelectedRunTimeline(): RunTimeline {
  const timeline = useContext(SelectedRunTimelineContext);
  if (!timeline) throw new Error('useSelectedRunTimeline must be used inside <SelectedRunTimelineProvider>');
  return timeline;
}
