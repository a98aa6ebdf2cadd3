import { runSubject, type Run } from '../../../shared/runs';
import { useStudioSelection } from '../state/studio-selection';
import { methodTitle, useMethods } from './methods/methods-context';
import { buildRunTree, flattenRunTree } from './timeline/run-tree';
import { useProjectRuns } from './timeline/use-project-runs';

interface RunTreeProps {
  /** The snapshot the viewport shows now, compared against a run's newest by the row's Compare button. */
  shown: { runId: string; iteration: number } | null;
}

/** The open project's runs, each branch under the run it came from; choosing one shows it. */
export function RunTree({ shown }: RunTreeProps) {
  const { project, runId, setRunId, setCompare } = useStudioSelection();
  const { runs, error } = useProjectRuns(project?.id ?? null);
  const { methods } = useMethods();
  if (!project) return null;
  const rows = flattenRunTree(buildRunTree(runs));
  const byId = new Map(runs.map((r) => [r.id, r]));

  return (
    <nav className="run-tree" aria-label="Runs">
      <h2>Runs</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted">No runs in this project yet.</p>
      ) : (
        <ul aria-label="Run tree">
          {rows.map(({ run, depth }) => (
            <li key={run.id} className={run.id === runId ? 'run-row selected' : 'run-row'} style={{ paddingLeft: depth * 14 }}>
              <button
                type="button"
                className="run-open"
                aria-label={`Show run ${run.name}`}
                aria-current={run.id === runId ? 'true' : undefined}
                title={describe(run, byId, methodTitle(methods, run.method))}
                onClick={() => setRunId(run.id)}
              >
                {depth > 0 && (
                  <span className="branch-mark" aria-hidden="true">
                    ↳
                  </span>
                )}
                <span className="run-name">{run.name}</span>
                <span className={`run-status status-${run.status}`}>{run.status}</span>
                <span className="run-iter">{run.lastIteration}</span>
                {run.worker && <span className="run-worker">{run.worker}</span>}
              </button>
              {shown && run.lastIteration > 0 && (
                <button
                  type="button"
                  className="icon"
                  aria-label={`Compare run ${run.name} with the shown snapshot`}
                  title="Compare side by side with the snapshot in the viewport"
                  onClick={() => setCompare({ a: shown, b: { runId: run.id, iteration: run.lastIteration } })}
                >
                  ⇆
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}

function describe(run: Run, byId: Map<string, Run>, method: string): string {
  const origin = run.parentRunId
    ? ` · branched from ${byId.get(run.parentRunId)?.name ?? 'a deleted run'} at iteration ${run.parentIteration}`
    : '';
  const worker = run.worker ? ` · on farm worker ${run.worker}` : '';
  return `${method} · “${runSubject(run)}” · seed ${run.seed}${origin}${worker}`;
}
