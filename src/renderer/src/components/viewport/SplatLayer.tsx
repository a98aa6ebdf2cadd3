import { useFrame, useThree } from '@react-three/fiber';
import { dyno, PackedSplats, SplatMesh } from '@sparkjsdev/spark';
import { useEffect, useMemo, useRef, useState } from 'react';
import { applyDisplayMode, type DepthRange, type DisplayMode } from './display-modes';
import { WORKING_VOLUME_RADIUS_M } from './fit-view';
import type { PackedGaussians } from './splat-packing';
import { markSplats } from './splat-timing';
import { StudioSparkRenderer } from './studio-spark-renderer';

interface SplatLayerProps {
  packed: PackedGaussians | null;
  /** splat, alpha or depth ('mesh' hides the splats). */
  mode: DisplayMode;
}

/**
 * Draws packed Gaussians with Spark: a SparkRenderer in the scene (it sorts and composites every SplatMesh) and one
 * SplatMesh per payload, replaced whenever the payload changes. The canvas renders on demand, so whatever changes
 * the picture asks for a frame: a new mesh or mode here, and Spark itself once a sort has finished.
 */
export function SplatLayer({ packed, mode }: SplatLayerProps) {
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  const [spark, setSpark] = useState<StudioSparkRenderer | null>(null);
  const [mesh, setMesh] = useState<SplatMesh | null>(null);
  const depth = useMemo<DepthRange>(() => ({ near: dyno.dynoFloat(0.1), far: dyno.dynoFloat(10) }), []);
  /** A mesh was mounted and Spark has not yet finished a sort that includes it. */
  const awaitingSort = useRef(false);

  useEffect(() => {
    const renderer = new StudioSparkRenderer({
      renderer: gl,
      onDirty: () => {
        if (awaitingSort.current && !renderer.sorting && !renderer.sortDirty) {
          awaitingSort.current = false;
          markSplats('sorted');
        }
        invalidate();
      },
    });
    setSpark(renderer);
    return () => {
      setSpark(null);
      // Disposing terminates the sort worker; wait for a sort in flight so its promise is not left to reject.
      const disposeWhenIdle = () => (renderer.sorting ? setTimeout(disposeWhenIdle, 50) : renderer.dispose());
      disposeWhenIdle();
    };
  }, [gl, invalidate]);

  useEffect(() => {
    if (!packed) return setMesh(null);
    markSplats('ready');
    const next = new SplatMesh({ packedSplats: new PackedSplats({ packedArray: packed.packedArray, numSplats: packed.numSplats }) });
    next.raycastable = false;
    setMesh(next);
    return () => next.dispose();
  }, [packed]);

  useEffect(() => {
    if (!mesh) return;
    awaitingSort.current = true;
    markSplats('mounted');
  }, [mesh]);

  useEffect(() => {
    if (!mesh) return;
    applyDisplayMode(mesh, mode === 'mesh' ? 'splat' : mode, depth);
    invalidate();
  }, [mesh, mode, depth, invalidate]);

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
