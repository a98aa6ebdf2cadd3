import type { KernelCamera } from '../../render/kernel-camera';
import { holdShellOutside } from './initialise-from-density';
import type { TetGrid } from './tet-grid';

/** A view's silhouette: its camera and its coverage (H×W in [0, 1]). */
export interface SilhouetteView {
  camera: KernelCamera;
  alpha: Float32Array;
}

/**
 * A starting SDF from silhouettes (space carving): a grid vertex is inside when every view sees it within the
 * object's mask (coverage ≥ ½ at the pixel it projects to; off-image counts as outside). The values are ±½ cell:
 * only the sign is known, and small values let the first steps move the surface freely. Unlike a sphere, the hull
 * already has the object's holes wherever some view looks through them (a torus's, a mug handle's).
 */
export function visualHullSdf(grid: TetGrid, views: readonly SilhouetteView[]): Float32Array {
  const vertices = grid.positions.length / 3;
  const sdf = new Float32Array(vertices).fill(-0.5 * grid.cellM);
  const p = grid.positions;
  for (const { camera: c, alpha } of views) {
    const R = c.R, t = c.t;
    for (let v = 0; v < vertices; v++) {
      if (sdf[v]! > 0) continue;
      const x = p[3 * v]!, y = p[3 * v + 1]!, z = p[3 * v + 2]!;
      const cz = R[6]! * x + R[7]! * y + R[8]! * z + t[2]!;
      const col = Math.floor((c.fx * (R[0]! * x + R[1]! * y + R[2]! * z + t[0]!)) / cz + c.cx);
      const row = Math.floor((c.fy * (R[3]! * x + R[4]! * y + R[5]! * z + t[1]!)) / cz + c.cy);
      const seen = cz > 0 && col >= 0 && row >= 0 && col < c.width && row < c.height && alpha[row * c.width + col]! >= 0.5;
      if (!seen) sdf[v] = 0.5 * grid.cellM;
    }
  }
  holdShellOutside(grid, sdf);
  return sdf;
}
