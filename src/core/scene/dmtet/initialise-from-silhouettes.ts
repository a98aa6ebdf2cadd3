import { GaussianRasterizer } from '../../render/gaussian-rasterizer';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { toKernelCamera } from '../cameras/camera';
import { evaluationOrbit } from '../cameras/orbit-sampler';
import type { TetGrid } from './tet-grid';
import { visualHullSdf, type SilhouetteView } from './visual-hull-sdf';

/**
 * The ring of views the silhouettes are rendered from: 12 azimuths at each of these elevations (every training
 * sampler's band, −10° … 45°, and a little beyond), offset per ring so no azimuth repeats. 3 m away with a 45° field
 * of view, the whole generation ball (radius 1 m) is in frame.
 */
const HULL_ELEVATIONS_DEG = [-20, 0, 20, 40, 60] as const;
const HULL_AZIMUTHS = 12;
const HULL_ORBIT = { radiusM: 3, fovYDeg: 45 } as const;

export interface SilhouetteInit {
  /** Side of the square silhouette renders (pixels). */
  size: number;
  /** A pixel is inside the object's mask when the splats' alpha there reaches this. */
  alphaThreshold: number;
  threads: number;
}

/** The splats' masks from the hull's ring of views: alpha rendered by the 3DGS rasterizer, thresholded. */
export function gaussianSilhouettes(g: GaussianArrays, o: SilhouetteInit): SilhouetteView[] {
  const image = { width: o.size, height: o.size };
  const cameras = HULL_ELEVATIONS_DEG.flatMap((elevationDeg, ring) =>
    evaluationOrbit(HULL_AZIMUTHS, { elevationDeg, ...HULL_ORBIT, ...image, azimuthOffsetDeg: (ring * 360) / HULL_AZIMUTHS / HULL_ELEVATIONS_DEG.length }),
  ).map(toKernelCamera);
  const { alpha } = new GaussianRasterizer(o.threads).forward(g, cameras, { shDegree: 0, background: [0, 0, 0] });
  const pixels = o.size * o.size;
  return cameras.map((camera, v) => ({ camera, alpha: alpha.subarray(v * pixels, (v + 1) * pixels).map((a) => (a >= o.alphaThreshold ? 1 : 0)) }));
}

/**
 * The initial SDF from stage-1 Gaussians as the visual hull of their renders (visual-hull-sdf.ts). Distilled splats
 * are often a semi-transparent cloud: a quarter of the README snowman's silhouette pixels have alpha between 0.05
 * and 0.5, and its density field drops under the exporter's iso-level over whole back halves of the spheres, so
 * a density start lacks them (docs/bench/readme-glb.md). What the splats *show* from every side is complete.
 */
export function initialiseSdfFromSilhouettes(g: GaussianArrays, grid: TetGrid, o: SilhouetteInit): Float32Array {
  return visualHullSdf(grid, gaussianSilhouettes(g, o));
}
