import { Canvas } from '@react-three/fiber';
import { useMemo } from 'react';
import type { Object3D } from 'three';
import type { CameraLink } from './camera-link';
import { FitViewController } from './FitViewController';
import { LinkedCamera } from './LinkedCamera';
import { RenderedFrameCounter } from './RenderedFrameCounter';
import { SplatLayer } from './SplatLayer';
import { StudioScene } from './StudioScene';
import { DEFAULT_VIEW_DIRECTION } from './fit-view';
import type { PackedGaussians } from './splat-packing';
import { effectiveBackground, type ViewSettings } from './view-settings';

interface ViewportCanvasProps {
  label: string;
  packed: PackedGaussians | null;
  mesh: Object3D | null;
  settings: ViewSettings;
  fitRequest: number;
  link?: { link: CameraLink; id: string };
  showGizmo?: boolean;
}

/**
 * One WebGL view of the studio scene with the shown splats (or mesh preview). It renders on demand, not every
 * animation frame: without a GPU one 50k-splat frame takes over a second, and a continuous loop made every timeline
 * input wait behind frames already queued. Scene changes (r3f props, new splats, Spark's finished sorts, orbiting,
 * the turntable) each ask for the frames they need.
 */
export function ViewportCanvas({ label, packed, mesh, settings, fitRequest, link, showGizmo }: ViewportCanvasProps) {
  // An Object3D lives in one scene; compare's panes may show the same mesh, so each draws its own (shallow) clone.
  const meshInstance = useMemo(() => mesh?.clone() ?? null, [mesh]);
  // With linked cameras only the first pane turns; the others follow it.
  const turns = settings.turntable && (!link || link.id === 'a');
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
      <SplatLayer packed={packed} mode={settings.mode} />
      {settings.mode === 'mesh' && meshInstance && <primitive object={meshInstance} />}
      <FitViewController request={fitRequest} />
      {link && <LinkedCamera link={link.link} id={link.id} drive={turns} />}
    </Canvas>
  );
}
