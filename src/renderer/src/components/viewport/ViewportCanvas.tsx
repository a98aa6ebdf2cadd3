import { Canvas } from '@react-three/fiber';
import { useMemo } from 'react';
import type { Object3D } from 'three';
import type { CameraLink } from './camera-link';
import { FitViewController } from './FitViewController';
import { LinkedCamera } from './LinkedCamera';
import { MeshLayer } from './MeshLayer';
import { RenderedFrameCounter } from './RenderedFrameCounter';
import { SplatLayer } from './SplatLayer';
import { StudioScene } from './StudioScene';
import { DEFAULT_VIEW_DIRECTION } from './fit-view';
import type { ViewPayload } from './view-payload';
import { shownDisplayMode } from './display-modes';
import { effectiveBackground, type ViewSettings } from './view-settings';

interface ViewportCanvasProps {
  label: string;
  /** The snapshot or live model shown: splats, or a mesh stage's surface. */
  payload: ViewPayload | null;
  /** The GLB preview of shown splats (the 'glb-preview' display mode). */
  glbPreview: Object3D | null;
  settings: ViewSettings;
  fitRequest: number;
  link?: { link: CameraLink; id: string };
  showGizmo?: boolean;
}

/**
 * One WebGL view of the studio scene with the shown splats (or their GLB preview), or the shown mesh. It renders on
 * demand, not every animation frame: without a GPU one 50k-splat frame takes over a second, and a continuous loop
 * made every timeline input wait behind frames already queued. Scene changes (r3f props, new splats, Spark's finished sorts, orbiting,
 * the turntable) each ask for the frames they need.
 */
export function ViewportCanvas({ label, payload, glbPreview, settings, fitRequest, link, showGizmo }: ViewportCanvasProps) {
  // An Object3D lives in one scene; compare's panes may show the same preview, so each draws its own (shallow) clone.
  const previewInstance = useMemo(() => glbPreview?.clone() ?? null, [glbPreview]);
  // With linked cameras only the first pane turns; the others follow it.
  const turns = settings.turntable && (!link || link.id === 'a');
  const mode = shownDisplayMode(settings.mode, payload?.kind ?? null);
  return (
    <Canvas
      aria-label={label}
      role="img"
      camera={{ position: DEFAULT_VIEW_DIRECTION.clone().multiplyScalar(4).toArray(), fov: 45, near: 0.01, far: 200 }}
      gl={{ antialias: false, preserveDrawingBuffer: true }}
      frameloop="demand"
    >
      <RenderedFrameCounter />
      <StudioScene
        showGrid={settings.showGrid}
        turntable={turns}
        background={effectiveBackground(settings)}
        showGizmo={showGizmo}
      />
      <SplatLayer packed={payload?.kind === 'splats' ? payload.packed : null} mode={mode} />
      {payload?.kind === 'mesh' && <MeshLayer mesh={payload.mesh} mode={mode} wireframe={settings.wireframe} />}
      {payload?.kind === 'splats' && mode === 'glb-preview' && previewInstance && <primitive object={previewInstance} />}
      <FitViewController request={fitRequest} />
      {link && <LinkedCamera link={link.link} id={link.id} drive={turns} />}
    </Canvas>
  );
}
