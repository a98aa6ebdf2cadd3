/**
 * The camera as the 3DGS kernel sees it: OpenCV convention (x right, y down, looking down +z), a world→camera
 * rotation R (row-major 3×3) and translation t, pinhole intrinsics in pixels. Pixel (i, j) has its centre at
 * (i + 0.5, j + 0.5). Kiln's cameras (OpenGL convention) convert to this at one place: toKernelCamera.
 */
export interface KernelCamera {
  /** Row-major world→camera rotation. */
  R: ArrayLike<number>;
  t: ArrayLike<number>;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Gaussians whose centre is closer than this (camera z) are not drawn. */
  near: number;
}

/** Number of floats one camera occupies when packed for the native kernel. */
export const PACKED_CAMERA_FLOATS = 18;

/** Packs cameras as [R(9), t(3), fx, fy, cx, cy, near, 0] each; width and height are shared by the batch. */
export function packKernelCameras(cameras: readonly KernelCamera[]): Float32Array {
  const out = new Float32Array(cameras.length * PACKED_CAMERA_FLOATS);
  cameras.forEach((c, i) => {
    const o = i * PACKED_CAMERA_FLOATS;
    for (let k = 0; k < 9; k++) out[o + k] = c.R[k]!;
    for (let k = 0; k < 3; k++) out[o + 9 + k] = c.t[k]!;
    out[o + 12] = c.fx;
    out[o + 13] = c.fy;
    out[o + 14] = c.cx;
    out[o + 15] = c.cy;
    out[o + 16] = c.near;
  });
  return out;
}

/** Camera centre in world space: −Rᵀt. */
export function kernelCameraPosition(c: KernelCamera): [number, number, number] {
  const R = c.R;
  const t = c.t;
  return [
    -(R[0]! * t[0]! + R[3]! * t[1]! + R[6]! * t[2]!),
    -(R[1]! * t[0]! + R[4]! * t[1]! + R[7]! * t[2]!),
    -(R[2]! * t[0]! + R[5]! * t[1]! + R[8]! * t[2]!),
  ];
}
