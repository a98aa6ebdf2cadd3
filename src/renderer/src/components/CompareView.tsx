import { useEffect, useMemo, useState } from 'react';
import type { PayloadKind } from '../../../shared/runs';
import type { SnapshotRef } from '../state/studio-selection';
import { useRunTimeline } from './timeline/use-run-timeline';
import { CameraLink } from './viewport/camera-link';
import type { ShownKind } from './viewport/display-modes';
import { useMeshPreview } from './viewport/use-mesh-preview';
import { useShownPayload } from './viewport/use-shown-payload';
import { ViewportCanvas } from './viewport/ViewportCanvas';
import type { ViewSettings } from './viewport/view-settings';

interface CompareViewProps {
  compare: { a: SnapshotRef; b: SnapshotRef };
  settings: ViewSettings;
  fitRequest: number;
  /** Told what the panes show together: one kind, 'mixed', or null before both have loaded. */
  onShownKind: (kind: ShownKind) => void;
  onClose: () => void;
}

/** Two snapshots (of one run or two) side by side; orbiting either pane moves both cameras. */
export function CompareView({ compare, settings, fitRequest, onShownKind, onClose }: CompareViewProps) {
  const link = useMemo(() => new CameraLink(), []);
  const [kindA, setKindA] = useState<PayloadKind | null>(null);
  const [kindB, setKindB] = useState<PayloadKind | null>(null);
  useEffect(() => onShownKind(kindA && kindB ? (kindA === kindB ? kindA : 'mixed') : null), [onShownKind, kindA, kindB]);
  return (
    <section className="compare-view" aria-label="Compare">
      <ComparePane side="a" target={compare.a} link={link} settings={settings} fitRequest={fitRequest} onShownKind={setKindA} />
      <ComparePane side="b" target={compare.b} link={link} settings={settings} fitRequest={fitRequest} onShownKind={setKindB} />
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
  onShownKind: (kind: PayloadKind | null) => void;
}

function ComparePane({ side, target, link, settings, fitRequest, onShownKind }: ComparePaneProps) {
  const { run, snapshots, error } = useRunTimeline(target.runId);
  const shown = useShownPayload(snapshots, target.iteration, null);
  const kind = shown.payload?.kind ?? null;
  useEffect(() => onShownKind(kind), [onShownKind, kind]);
  const mesh = useMeshPreview(target.runId, shown.iteration, settings.mode === 'glb-preview' && kind === 'splats');
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
