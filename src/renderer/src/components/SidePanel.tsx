import { useState } from 'react';
import { useStudioApi } from '../api/context';
import { useStudioSelection } from '../state/studio-selection';
import { ExportDialog } from './export/ExportDialog';
import { GeneratePanel } from './generate/GeneratePanel';
import { ModelsPanel } from './models/ModelsPanel';
import { ModelsProvider } from './models/models-context';
import { ProgressPanel } from './progress/ProgressPanel';
import { useSelectedRunTimeline } from './timeline/selected-run-timeline';
import { pickSnapshot } from './viewport/use-shown-payload';
import { useAsyncAction } from './useAsyncAction';
import './side-panel.css';

/** The right-hand panel: generate, the selected run's progress and export, and the model packs. */
export function SidePanel() {
  const api = useStudioApi();
  const { project, iteration } = useStudioSelection();
  const { run, snapshots, error: runError } = useSelectedRunTimeline();
  const [exporting, setExporting] = useState(false);
  const resume = useAsyncAction();
  const resumable = run?.status === 'paused' || run?.status === 'interrupted';

  return (
    <aside className="side-panel" aria-label="Generate">
      <ModelsProvider>
        <section className="panel-section" aria-labelledby="generate-heading">
          <h2 id="generate-heading">Generate</h2>
          {project ? (
            <GeneratePanel project={project} run={run} />
          ) : (
            <p className="muted">Open or create a project to start generating.</p>
          )}
        </section>
        {runError && (
          <p role="alert" className="error">
            Cannot show the selected run: {runError}
          </p>
        )}
        {run && <ProgressPanel run={run} snapshots={snapshots} />}
        {run && (
          <div className="run-actions">
            <button type="button" onClick={() => setExporting(true)}>
              Export…
            </button>
            {resumable && (
              <button type="button" disabled={resume.busy} onClick={() => void resume.run(() => api.call('runs.resume', { runId: run.id }))}>
                Resume
              </button>
            )}
          </div>
        )}
        {resume.error && (
          <p role="alert" className="error">
            {resume.error}
          </p>
        )}
        {run && exporting && (
          <ExportDialog
            runId={run.id}
            runName={run.name}
            iteration={iteration}
            payloadKind={pickSnapshot(snapshots, iteration)?.payloadKind ?? null}
            onClose={() => setExporting(false)}
          />
        )}
        <ModelsPanel />
      </ModelsProvider>
    </aside>
  );
}
