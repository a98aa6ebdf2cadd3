import { GizmoHelper, GizmoViewport, Grid, OrbitControls } from '@react-three/drei';
import { memo } from 'react';
import { WORKING_VOLUME_RADIUS_M } from './fit-view';

export interface StudioSceneProps {
  showGrid: boolean;
  /** Slowly orbits the camera around the target (the turntable view). */
  turntable?: boolean;
  background?: string;
  showGizmo?: boolean;
}

/**
 * Neutral studio lighting, a metre grid on the ground plane and the outline of the generation volume. Memoised: its
 * drei parts take fresh callbacks and arrays on every render, and r3f asks for a frame whenever props change — so a
 * re-render with the same settings (each timeline step re-renders the canvas) would cost a whole frame.
 */
export const StudioScene = memo(function StudioScene({ showGrid, turntable = false, background = '#1d1f24', showGizmo = true }: StudioSceneProps) {
  return (
    <>
      <color attach="background" args={[background]} />
      <hemisphereLight args={['#e8ecf2', '#3a3530', 0.9]} />
      <directionalLight position={[3, 5, 2]} intensity={1.6} />
      <directionalLight position={[-4, 2, -3]} intensity={0.5} />
      {showGrid && (
        <Grid
          infiniteGrid
          cellSize={0.1}
          sectionSize={1}
          cellColor="#3b3f47"
          sectionColor="#5b6170"
          fadeDistance={25}
          followCamera={false}
        />
      )}
      {showGrid && (
        <mesh rotation={[-Math.PI / 2, 0, 0]} position={[0, 0.001, 0]}>
          <ringGeometry args={[WORKING_VOLUME_RADIUS_M * 0.995, WORKING_VOLUME_RADIUS_M * 1.005, 128]} />
          <meshBasicMaterial color="#d08a3c" transparent opacity={0.6} />
        </mesh>
      )}
      <OrbitControls makeDefault enableDamping dampingFactor={0.12} autoRotate={turntable} autoRotateSpeed={2} />
      {showGizmo && (
        <GizmoHelper alignment="bottom-right" margin={[72, 72]}>
          <GizmoViewport axisColors={['#e5534b', '#57ab5a', '#539bf5']} labelColor="#111" />
        </GizmoHelper>
      )}
    </>
  );
});
