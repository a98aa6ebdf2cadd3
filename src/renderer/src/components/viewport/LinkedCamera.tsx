import { useFrame, useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import type { Camera, Vector3 } from 'three';
import type { CameraLink } from './camera-link';

interface OrbitLike {
  target: Vector3;
  update(): void;
  addEventListener(type: 'start', listener: () => void): void;
  removeEventListener(type: 'start', listener: () => void): void;
}

/**
 * Keeps this canvas's camera on a shared CameraLink: driving it while the artist orbits here (or while `drive`, e.g.
 * the turntable turns this pane), following otherwise.
 */
export function LinkedCamera({ link, id, drive = false }: { link: CameraLink; id: string; drive?: boolean }) {
  const camera = useThree((s) => s.camera) as Camera;
  const controls = useThree((s) => s.controls) as unknown as OrbitLike | null;
  const invalidate = useThree((s) => s.invalidate);

  useEffect(() => link.join(id, () => invalidate()), [link, id, invalidate]);

  useEffect(() => {
    if (!controls) return;
    const take = () => {
      link.driver = id;
    };
    controls.addEventListener('start', take);
    if (link.driver === null) take();
    return () => controls.removeEventListener('start', take);
  }, [controls, link, id]);

  useFrame(() => {
    if (!controls) return;
    if (drive) link.driver = id;
    if (link.driver === id) link.publish(id, camera.position, controls.target);
    else if (!camera.position.equals(link.position) || !controls.target.equals(link.target)) {
      camera.position.copy(link.position);
      controls.target.copy(link.target);
      controls.update();
    }
  }, -1);
  return null;
}
