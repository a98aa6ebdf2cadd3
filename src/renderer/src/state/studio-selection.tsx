import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Project } from '../../../shared/projects';
import type { PayloadKind, RunRequest } from '../../../shared/runs';

/** A snapshot the studio can show: a run and one of its snapshot iterations. */
export interface SnapshotRef {
  runId: string;
  iteration: number;
}

/** A branch the artist asked for from the timeline: the generate panel opens prefilled with it. */
export interface BranchDraft extends SnapshotRef {
  /** What the snapshot holds: a branch from a mesh starts in the mesh stage. */
  payloadKind: PayloadKind;
  request: Partial<RunRequest>;
}

/**
 * What the studio is looking at, shared by its panels: the open project, the selected run, the snapshot shown in the
 * viewport (null = follow the run live), an A/B comparison, and a pending branch.
 */
export interface StudioSelection {
  project: Project | null;
  setProject(project: Project | null): void;
  runId: string | null;
  setRunId(runId: string | null): void;
  /** The snapshot iteration shown; null follows the newest (live while the run trains). */
  iteration: number | null;
  setIteration(iteration: number | null): void;
  compare: { a: SnapshotRef; b: SnapshotRef } | null;
  setCompare(compare: { a: SnapshotRef; b: SnapshotRef } | null): void;
  branchDraft: BranchDraft | null;
  setBranchDraft(draft: BranchDraft | null): void;
}

const SelectionContext = createContext<StudioSelection | null>(null);

export function StudioSelectionProvider({ children }: { children: ReactNode }) {
  const [project, setProjectState] = useState<Project | null>(null);
  const [runId, setRunIdState] = useState<string | null>(null);
  const [iteration, setIteration] = useState<number | null>(null);
  const [compare, setCompare] = useState<StudioSelection['compare']>(null);
  const [branchDraft, setBranchDraft] = useState<BranchDraft | null>(null);
  const value = useMemo<StudioSelection>(
    () => ({
      project,
      setProject: (p) => {
        setProjectState(p);
        if (p?.id !== project?.id) {
          setRunIdState(null);
          setIteration(null);
          setCompare(null);
          setBranchDraft(null);
        }
      },
      runId,
      setRunId: (id) => {
        setRunIdState(id);
        setIteration(null);
      },
      iteration,
      setIteration,
      compare,
      setCompare,
      branchDraft,
      setBranchDraft,
    }),
    [project, runId, iteration, compare, branchDraft],
  );
  return <SelectionContext.Provider value={value}>{children}</SelectionContext.Provider>;
}

export function useStudioSelection(): StudioSelection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error('useStudioSelection must be used inside <StudioSelectionProvider>');
  return selection;
}
