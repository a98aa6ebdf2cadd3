import { runSubject, type Run, type Snapshot } from '../../../../shared/runs';
import { methodTitle, useMethods } from '../methods/methods-context';
import { runStageMethods, runStages, STAGE_PRIMITIVES, stageLabel } from '../timeline/run-stages';
import { formatDuration, formatRate } from './format-progress';
import { LossChart } from './LossChart';
import { useRunProgress } from './useRunProgress';

const STATUS_WORDS: Record<Run['status'], string> = {
  running: 'Running',
  paused: 'Paused',
  cancelled: 'Cancelled',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

/** The selected run's progress: iteration, stage, speed, ETA, the loss chart and the method's x̂₀ preview. */
export function ProgressPanel({ run, snapshots }: { run: Run; snapshots: readonly Snapshot[] }) {
  const { progress, preview, history } = useRunProgress(run.id, snapshots);
  const { methods } = useMethods();
  const live = run.status === 'running' ? progress : null;
  const iteration = Math.max(live?.iteration ?? 0, run.lastIteration);
  const target = live?.targetIterations ?? run.targetIterations;
  const stages = runStages(run);
  // The stage the run is in: the live report's, else the newest snapshot's (a paused or finished run).
  const stageIndex = live?.stageIndex ?? snapshots.at(-1)?.stage ?? 0;
  // When the stages are guided by different methods, the one guiding this stage is named too (its loss terms chart).
  const stageMethods = runStageMethods(run);
  const stageMethod = new Set(stageMethods).size > 1 ? stageMethods[stageIndex] : undefined;
  return (
    <section className="panel-section progress-panel" aria-label="Progress">
      <h2>Progress</h2>
      <p className="run-title" title={runSubject(run)}>
        <strong>{run.name}</strong> · {methodTitle(methods, run.method)} · seed {run.seed}
      </p>
      <progress aria-label="Run progress" max={target} value={iteration} />
      <dl className="progress-facts">
        <dt>Status</dt>
        <dd>{STATUS_WORDS[run.status]}</dd>
        <dt>Iteration</dt>
        <dd>
          {iteration} / {target}
        </dd>
        {(live || stages.length > 1) && (
          <>
            <dt>Stage</dt>
            <dd>{stageLabel(stages, stageIndex)}</dd>
          </>
        )}
        {stageMethod && (
          <>
            <dt>Guided by</dt>
            <dd>{methodTitle(methods, stageMethod)}</dd>
          </>
        )}
        {live && (
          <>
            <dt>Speed</dt>
            <dd>{formatRate(live.iterationsPerSecond)} it/s</dd>
            <dt>ETA</dt>
            <dd>{live.etaSeconds === null ? '—' : formatDuration(live.etaSeconds)}</dd>
            <dt>{capitalised(STAGE_PRIMITIVES[live.stage])}</dt>
            <dd>{live.gaussians.toLocaleString()}</dd>
          </>
        )}
      </dl>
      {run.status === 'failed' && (
        <p role="alert" className="error">
          The run failed: {run.error ?? 'the engine gave no reason'}
        </p>
      )}
      {run.status === 'interrupted' && (
        <p role="alert" className="warning">
          The run stopped unexpectedly: {run.error ?? 'the engine gave no reason'}. Resume it to continue from its last snapshot.
        </p>
      )}
      {history.iterations.length > 0 && <LossChart history={history} />}
      {preview && (
        <figure className="x0-preview">
          <img src={preview} alt={`The method's x̂₀ prediction at iteration ${progress?.iteration ?? ''}`} />
          <figcaption className="muted">x̂₀ (the prior's denoised guess, first view)</figcaption>
        </figure>
      )}
    </section>
  );
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
