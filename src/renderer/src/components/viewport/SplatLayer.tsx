import { useFrame, useThree } from '@react-three/fiber';
import { dyno, PackedSplats, SparkRenderer, SplatMesh } from '@sparkjsdev/spark';
import { useEffect, useMemo, useState } from 'react';
import { applyDisplayMode, type DepthRange, type DisplayMode } from './display-modes';
import { WORKING_VOLUME_RADIUS_M } from './fit-view';
import type { PackedGaussians } from './splat-packing';

/** A performance mark set each time a new payload's SplatMesh is in the scene (the next frame draws it). */
export const SPLATS_MOUNTED_MARK = 'kiln:splats-mounted';

interface SplatLayerProps {
  packed: PackedGaussians | null;
  /** splat, alpha or depth ('mesh' hides the splats). */
  mode: DisplayMode;
}

/**
 * Draws packed Gaussians with Spark: a SparkRenderer in the scene (it sorts and composites every SplatMesh) and one
 * SplatMesh per payload, replaced whenever the payload changes.
 */
export function SplatLayer({ packed, mode }: SplatLayerProps) {
  const gl = useThree((s) => s.gl);
  const [spark, setSpark] = useState<SparkRenderer | null>(null);
  const [mesh, setMesh] = useState<SplatMesh | null>(null);
  const depth = useMemo<DepthRange>(() => ({ near: dyno.dynoFloat(0.1), far: dyno.dynoFloat(10) }), []);

  useEffect(() => {
    const renderer = new SparkRenderer({ renderer: gl });
    setSpark(renderer);
    return () => {
      setSpark(null);
      // Disposing terminates the sort worker; wait for a sort in flight so its promise is not left to reject.
      const disposeWhenIdle = () => (renderer.sorting ? setTimeout(disposeWhenIdle, 50) : renderer.dispose());
      disposeWhenIdle();
    };
  }, [gl]);

  useEffect(() => {
    if (!packed) return setMesh(null);
    const next = new SplatMesh({ packedSplats: new PackedSplats({ packedArray: packed.packedArray, numSplats: packed.numSplats }) });
    next.raycastable = false;
    setMesh(next);
    return () => next.dispose();
  }, [packed]);

  useEffect(() => {
    // Lets a performance trace (and the e2e latency measurement) see when new splats joined the scene.
    if (mesh) performance.mark(SPLATS_MOUNTED_MARK);
  }, [mesh]);

  useEffect(() => {
    if (mesh) applyDisplayMode(mesh, mode === 'mesh' ? 'splat' : mode, depth);
  }, [mesh, mode, depth]);

  useFrame(({ camera }) => {
    if (mode !== 'depth') return;
    // Depth is shaded over the working volume as seen from the camera now.
    const distance = camera.position.length();
    depth.near.value = Math.max(0.01, distance - WORKING_VOLUME_RADIUS_M);
    depth.far.value = distance + WORKING_VOLUME_RADIUS_M;
  });

  return (
    <>
      {spark && <primitive object={spark} />}
      {mesh && mode !== 'mesh' && <primitive object={mesh} />}
    </>
  );
}
