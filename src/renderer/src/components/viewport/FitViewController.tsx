import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import { Vector3, type PerspectiveCamera } from 'three';
import { fitCameraToSphere, WORKING_VOLUME_RADIUS_M } from './fit-view';

interface OrbitLike {
  target: Vector3;
  update(): void;
}

/** Re-frames the camera whenever `request` changes (the Fit view button or the F key). */
export function FitViewController({ request }: { request: number }) {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const controls = useThree((s) => s.controls) as unknown as OrbitLike | null;
  useEffect(() => {
    const target = controls?.target ?? new Vector3();
    fitCameraToSphere(camera, target, new Vector3(0, 0, 0), WORKING_VOLUME_RADIUS_M);
    controls?.update();
  }, [request, camera, controls]);
  return null;
}
