import { useEffect, useState } from 'react';
import { useStudioSelection } from '../state/studio-selection';
import { CompareView } from './CompareView';
import { useSelectedRunTimeline } from './timeline/selected-run-timeline';
import { isShortcut } from './viewport/keyboard';
import { useLivePayload } from './viewport/use-live-payload';
import { useMeshPreview } from './viewport/use-mesh-preview';
import { useShownPayload } from './viewport/use-shown-payload';
import { ViewportCanvas } from './viewport/ViewportCanvas';
import type { ShownKind } from './viewport/display-modes';
import { ViewportToolbar } from './viewport/ViewportToolbar';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from './viewport/view-settings';

/** The 3D view: the selected run's shown snapshot (live while following), or two snapshots side by side. */
export function Viewport() {
  const selection = useStudioSelection();
  const [fitRequest, setFitRequest] = useState(0);
  const [settings, setSettings] = useState<ViewSettings>(DEFAULT_VIEW_SETTINGS);
  const [shownKind, setShownKind] = useState<ShownKind>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === 'f' && isShortcut(e)) setFitRequest((n) => n + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="viewport">
      <ViewportToolbar settings={settings} shownKind={shownKind} onChange={setSettings} onFit={() => setFitRequest((n) => n + 1)} />
      {selection.compare ? (
        <CompareView
          compare={selection.compare}
          settings={settings}
          fitRequest={fitRequest}
          onShownKind={setShownKind}
          onClose={() => selection.setCompare(null)}
        />
      ) : (
        <SingleView settings={settings} fitRequest={fitRequest} onShownKind={setShownKind} />
      )}
    </div>
  );
}

interface SingleViewProps {
  settings: ViewSettings;
  fitRequest: number;
  /** Told what the view shows, for the toolbar. */
  onShownKind: (kind: ShownKind) => void;
}

function SingleView({ settings, fitRequest, onShownKind }: SingleViewProps) {
  const { runId, iteration } = useStudioSelection();
  const { run, snapshots, error: timelineError } = useSelectedRunTimeline();
  const live = useLivePayload(runId);
  const shown = useShownPayload(snapshots, iteration, live);
  const kind = shown.payload?.kind ?? null;
  const showsMesh = kind === 'mesh';
  useEffect(() => onShownKind(kind), [onShownKind, kind]);
  // A mesh snapshot is drawn as it is; only splats need a GLB built to preview their mesh.
  const previewing = settings.mode === 'glb-preview' && kind === 'splats';
  const mesh = useMeshPreview(runId, shown.iteration, previewing);
  const following = iteration === null && run?.status === 'running';

  let caption: string;
  if (!runId) caption = 'Start a generation or pick a run to see it here. Drag to orbit, right-drag to pan, scroll to zoom, F to fit.';
  else if (shown.iteration === null) caption = run?.status === 'running' ? 'Waiting for the first splats…' : 'This run has no snapshots yet.';
  else caption = `${run?.name ?? 'Run'} · iteration ${shown.iteration}${showsMesh ? ' · mesh' : ''}${following ? ' (live)' : ''}`;
  const problem = timelineError ?? shown.error ?? (mesh.status === 'error' ? mesh.message : null);

  return (
    <>
      <ViewportCanvas
        label="3D viewport"
        payload={shown.payload}
        glbPreview={mesh.status === 'ready' ? mesh.scene : null}
        settings={settings}
        fitRequest={fitRequest}
      />
      <p className="viewport-hint" aria-live="polite">
        {caption}
        {previewing && mesh.status === 'building' && ' · building the mesh preview…'}
      </p>
      {problem && (
        <p role="alert" className="viewport-error error">
          {problem}
        </p>
      )}
    </>
  );
}
