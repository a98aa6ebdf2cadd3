import { useFrame, useThree } from '@react-three/fiber';
import { dyno, PackedSplats, SplatMesh } from '@sparkjsdev/spark';
import { useEffect, useMemo, useRef, useState } from 'react';
import { applyDisplayMode, type DepthRange, type DisplayMode } from './display-modes';
import { WORKING_VOLUME_RADIUS_M } from './fit-view';
import type { PackedGaussians } from './splat-packing';
import { SparkFrameRequests } from './spark-frame-requests';
import { markSplats } from './splat-timing';
import { StudioSparkRenderer } from './studio-spark-renderer';

interface SplatLayerProps {
  packed: PackedGaussians | null;
  /** colour, alpha or depth ('glb-preview' hides the splats). */
  mode: DisplayMode;
}

/**
 * Draws packed Gaussians with Spark: a SparkRenderer in the scene (it sorts and composites every SplatMesh) and one
 * SplatMesh per payload, replaced whenever the payload changes. The canvas renders on demand; SparkFrameRequests
 * decides when Spark's work needs a frame. A payload's mesh joins the scene outside React, which would otherwise ask
 * for a frame on the spot (one spent drawing the previous splats).
 */
export function SplatLayer({ packed, mode }: SplatLayerProps) {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  const [spark, setSpark] = useState<{ renderer: StudioSparkRenderer; frames: SparkFrameRequests } | null>(null);
  const depth = useMemo<DepthRange>(() => ({ near: dyno.dynoFloat(0.1), far: dyno.dynoFloat(10) }), []);
  const latestMode = useRef(mode);
  latestMode.current = mode;
  /** The mesh in the scene and the display mode it is set up for. */
  const shown = useRef<{ mesh: SplatMesh | null; mode: DisplayMode }>({ mesh: null, mode });

  useEffect(() => {
    const renderer = new StudioSparkRenderer({ renderer: gl, onDirty: () => frames.dirty() });
    const frames = new SparkFrameRequests(renderer, () => renderer.update({ scene, camera }), () => invalidate(), () => markSplats('sorted'));
    setSpark({ renderer, frames });
    return () => {
      setSpark(null);
      // Disposing terminates the sort worker; wait for a sort in flight so its promise is not left to reject.
      const disposeWhenIdle = () => (renderer.sorting ? setTimeout(disposeWhenIdle, 50) : renderer.dispose());
      disposeWhenIdle();
    };
  }, [gl, scene, camera, invalidate]);

  useEffect(() => {
    if (!packed || !spark) return;
    markSplats('ready');
    const next = new SplatMesh({ packedSplats: new PackedSplats({ packedArray: packed.packedArray, numSplats: packed.numSplats }) });
    next.raycastable = false;
    showMode(next, latestMode.current, depth);
    shown.current = { mesh: next, mode: latestMode.current };
    scene.add(next);
    markSplats('mounted');
    spark.frames.meshMounted();
    return () => {
      scene.remove(next);
      next.dispose();
      if (shown.current.mesh === next) shown.current = { mesh: null, mode: shown.current.mode };
    };
  }, [packed, spark, scene, depth]);

  useEffect(() => {
    const { mesh } = shown.current;
    if (!mesh || shown.current.mode === mode) return;
    showMode(mesh, mode, depth);
    shown.current = { mesh, mode };
    invalidate();
  }, [mode, depth, invalidate]);

  useFrame(({ camera: view }) => {
    if (mode !== 'depth') return;
    // Depth is shaded over the working volume as seen from the camera now.
    const distance = view.position.length();
    depth.near.value = Math.max(0.01, distance - WORKING_VOLUME_RADIUS_M);
    depth.far.value = distance + WORKING_VOLUME_RADIUS_M;
  });

  return spark && <primitive object={spark.renderer} />;
}

/** 'glb-preview' hides the splats (the GLB preview is drawn instead); the other modes set the splats' modifier. */
function showMode(mesh: SplatMesh, mode: DisplayMode, depth: DepthRange): void {
  mesh.visible = mode !== 'glb-preview';
  applyDisplayMode(mesh, mode === 'glb-preview' ? 'colour' : mode, depth);
}
