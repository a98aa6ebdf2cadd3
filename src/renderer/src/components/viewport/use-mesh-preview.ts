import { useEffect, useRef, useState } from 'react';
import type { Object3D } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { useStudioApi } from '../../api/context';

export type MeshPreview =
  | { status: 'idle' }
  | { status: 'building' }
  | { status: 'ready'; scene: Object3D }
  | { status: 'error'; message: string };

/**
 * The GLB export of a snapshot, loaded with three's GLTFLoader, for the mesh display mode. Built on demand (mesh
 * extraction takes a while), once per run and iteration.
 */
export function useMeshPreview(runId: string | null, iteration: number | null, enabled: boolean): MeshPreview {
  const api = useStudioApi();
  const built = useRef(new Map<string, Object3D>());
  const [state, setState] = useState<{ key: string; preview: MeshPreview } | null>(null);
  const key = runId && iteration !== null ? `${runId}@${iteration}` : null;

  useEffect(() => {
    if (!enabled || !runId || iteration === null || !key || built.current.has(key)) return;
    let cancelled = false;
    setState({ key, preview: { status: 'building' } });
    (async () => {
      const exported = await api.call('runs.export', { runId, iteration, format: 'glb' });
      const bytes = await api.call('snapshots.payload', { blob: exported.blob });
      const gltf = await new GLTFLoader().parseAsync(bytes.slice().buffer, '');
      built.current.set(key, gltf.scene);
      if (!cancelled) setState({ key, preview: { status: 'ready', scene: gltf.scene } });
    })().catch((err: Error) => {
      if (!cancelled) setState({ key, preview: { status: 'error', message: `No mesh preview: ${err.message}` } });
    });
    return () => {
      cancelled = true;
    };
  }, [api, runId, iteration, key, enabled]);

  if (!enabled || !key) return { status: 'idle' };
  const scene = built.current.get(key);
  if (scene) return { status: 'ready', scene };
  return state?.key === key ? state.preview : { status: 'building' };
}
