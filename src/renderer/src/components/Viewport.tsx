import { Canvas } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import { FitViewController } from './viewport/FitViewController';
import { StudioScene } from './viewport/StudioScene';
import { DEFAULT_VIEW_DIRECTION } from './viewport/fit-view';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function Viewport() {
  const [fitRequest, setFitRequest] = useState(0);
  const [showGrid, setShowGrid] = useState(true);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === 'f' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        setFitRequest((n) => n + 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="viewport">
      <div className="viewport-toolbar" role="toolbar" aria-label="Viewport tools">
        <button type="button" onClick={() => setFitRequest((n) => n + 1)} title="Fit view (F)" aria-keyshortcuts="F">
          Fit view
        </button>
        <label className="toggle">
          <input type="checkbox" checked={showGrid} onChange={(e) => setShowGrid(e.target.checked)} />
          Grid
        </label>
      </div>
      <Canvas
        aria-label="3D viewport"
        role="img"
        camera={{ position: DEFAULT_VIEW_DIRECTION.clone().multiplyScalar(4).toArray(), fov: 45, near: 0.01, far: 200 }}
        gl={{ antialias: true, preserveDrawingBuffer: true }}
        onCreated={({ gl }) => gl.setClearColor('#1d1f24')}
      >
        <StudioScene showGrid={showGrid} />
        <FitViewController request={fitRequest} />
      </Canvas>
      <p className="viewport-hint">
        The orange ring marks the generation volume. Generated splats and meshes will appear here, live, once
        generation runs are available. Drag to orbit, right-drag to pan, scroll to zoom, F to fit.
      </p>
    </div>
  );
}
