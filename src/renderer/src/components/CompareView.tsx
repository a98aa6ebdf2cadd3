import { useMemo } from 'react';
import type { SnapshotRef } from '../state/studio-selection';
import { useRunTimeline } from './timeline/use-run-timeline';
import { CameraLink } from './viewport/camera-link';
import { useMeshPreview } from './viewport/use-mesh-preview';
import { useShownPayload } from './viewport/use-shown-payload';
import { ViewportCanvas } from './viewport/ViewportCanvas';
import type { ViewSettings } from './viewport/view-settings';

interface CompareViewProps {
  compare: { a: SnapshotRef; b: SnapshotRef };
  settings: ViewSettings;
  fitRequest: number;
  onClose: () => void;
}

/** Two snapshots (of one run or two) side by side; orbiting either pane moves both cameras. */
export function CompareView({ compare, settings, fitRequest, onClose }: CompareViewProps) {
  const link = useMemo(() => new CameraLink(), []);
  return (
    <section className="compare-view" aria-label="Compare">
      <ComparePane side="a" target={compare.a} link={link} settings={settings} fitRequest={fitRequest} />
      <ComparePane side="b" target={compare.b} link={link} settings={settings} fitRequest={fitRequest} />
      <button type="button" className="compare-close" onClick={onClose}>
        Close compare
      </button>
    </section>
  );
}

interface ComparePaneProps {
  side: 'a' | 'b';
  target: SnapshotRef;
  link: CameraLink;
  settings: ViewSettings;
  fitRequest: number;
}

function ComparePane({ side, target, link, settings, fitRequest }: ComparePaneProps) {
  const { run, snapshots, error } = useRunTimeline(target.runId);
  const shown = useShownPayload(snapshots, target.iteration, null);
  const mesh = useMeshPreview(target.runId, shown.iteration, settings.mode === 'mesh' && shown.payload?.kind === 'splats');
  const letter = side.toUpperCase();
  return (
    <div className="compare-pane">
      <ViewportCanvas
        label={`Compare view ${letter}`}
        payload={shown.payload}
        glbPreview={mesh.status === 'ready' ? mesh.scene : null}
        settings={settings}
        fitRequest={fitRequest}
        link={{ link, id: side }}
        showGizmo={side === 'b'}
      />
      <p className="compare-caption">
        <strong>{letter}</strong> {run?.name ?? '…'} · iteration {shown.iteration ?? target.iteration}
      </p>
      {(error ?? shown.error) && (
        <p role="alert" className="viewport-error error">
          {error ?? shown.error}
        </p>
      )}
    </div>
  );
}
