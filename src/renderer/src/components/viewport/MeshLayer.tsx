import { useEffect, useMemo } from 'react';
import { DoubleSide } from 'three';
import type { MeshSnapshot } from '../../../../shared/mesh/mesh-snapshot-payload';
import type { DisplayMode } from './display-modes';
import { meshGeometry } from './mesh-geometry';

interface MeshLayerProps {
  mesh: MeshSnapshot;
  mode: DisplayMode;
  wireframe: boolean;
}

/**
 * A mesh stage's surface: its albedo lit by the studio lights (matte: a diffuse PBR material, so the colour the stage
 * learned reads as that colour where the key light falls), and on request its triangle edges drawn over it. Alpha
 * mode draws the coverage (white, unlit) as it does for splats; every other mode reaching it is 'colour' (the
 * viewport offers no other for a mesh: display-modes.ts). Both sides are lit, so a face wound inwards still shades
 * the right way round.
 */
export function MeshLayer({ mesh, mode, wireframe }: MeshLayerProps) {
  const geometry = useMemo(() => meshGeometry(mesh), [mesh]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  return (
    <group>
      <mesh geometry={geometry}>
        {mode === 'alpha' ? (
          <meshBasicMaterial color="#ffffff" side={DoubleSide} />
        ) : (
          // Pushed back a little so the wireframe's lines win the depth test along the faces they border.
          <meshStandardMaterial vertexColors roughness={1} metalness={0} side={DoubleSide} polygonOffset polygonOffsetFactor={1} polygonOffsetUnits={1} />
        )}
      </mesh>
      {wireframe && (
        <mesh geometry={geometry}>
          <meshBasicMaterial wireframe color="#101216" transparent opacity={0.6} />
        </mesh>
      )}
    </group>
  );
}
