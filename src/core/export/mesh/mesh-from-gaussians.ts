import { KilnError } from '../../../shared/errors';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { densityGrid } from './density-grid';
import { fillEnclosedVoids } from './fill-enclosed';
import { buildGaussianCellIndex } from './gaussian-cell-index';
import { gaussianKernels } from './gaussian-kernels';
import { keepSubstantialComponents, MIN_PIECE_AREA_SHARE } from './mesh-components';
import { marchingCubes } from './marching-cubes';
import { MeshExportSettings } from './mesh-export-settings';
import { simplifyMesh } from './simplify-mesh';
import { taubinSmooth } from './smooth-mesh';
import { SurfaceColourProbe } from './surface-colour-probe';
import { lapTimer, unwrapBakeAndWrite } from './textured-glb';
import { meshBounds, triangleCount, type TriangleMesh } from './triangle-mesh';

/** Taubin smoothing passes on the marching-cubes surface (removes grid terracing, which also makes far fewer UV charts). */
const SMOOTHING_ITERATIONS = 10;
/** Simplification always removes what changes the surface by less than this many grid cells, below the target too. */
const FREE_ERROR_CELLS = 0.25;
/** How far (in density-grid cells) the colour probe looks in front of and behind the surface. */
const PROBE_REACH_CELLS = 3;

/** What each stage produced, for benchmarks and the export's log line. */
export interface MeshExportReport {
  gridDims: [number, number, number];
  marchingCubesTriangles: number;
  /** Separate pieces of surface kept, and the small ones (floaters, debris) dropped. */
  keptComponents: number;
  droppedComponents: number;
  triangles: number;
  vertices: number;
  simplifyRelativeError: number;
  uncoveredTexels: number;
  timingsMs: Record<'surface' | 'simplify' | 'unwrap' | 'bake' | 'glb', number>;
}

/** Density field → marching cubes → substantial pieces: the welded, closed surface of the Gaussians (world space). */
export function extractSurface(g: GaussianArrays, settings: Pick<MeshExportSettings, 'gridResolution' | 'isoLevel' | 'holeClosing'>) {
  const kernels = gaussianKernels(g);
  const holeRadiusCells = Math.round(0.5 * settings.holeClosing * settings.gridResolution);
  const grid = densityGrid(kernels, settings.gridResolution, holeRadiusCells + 2);
  fillEnclosedVoids(grid, settings.isoLevel, holeRadiusCells);
  const raw = marchingCubes(grid, settings.isoLevel);
  if (triangleCount(raw) === 0)
    throw new KilnError(
      'invalid-request',
      `cannot build a mesh: the Gaussians' density never reaches the iso-level ${settings.isoLevel} (the model is too transparent); lower isoLevel or export a later snapshot`,
    );
  const { mesh, keptComponents, droppedComponents } = keepSubstantialComponents(raw, MIN_PIECE_AREA_SHARE);
  return { kernels, grid, mesh, rawTriangles: triangleCount(raw), keptComponents, droppedComponents };
}

/**
 * The full mesh export: surface, simplification to the target triangle count, UV atlas, a base-colour texture baked
 * from the Gaussians, placed at the pivot and scaled, as GLB bytes. The intermediate world-space mesh (before
 * placement) is returned too, for fidelity checks.
 */
export async function exportTexturedMesh(
  g: GaussianArrays,
  options: Partial<MeshExportSettings> = {},
): Promise<{ glb: Uint8Array; worldMesh: TriangleMesh & { normals: Float32Array; uvs: Float32Array }; texture: { pixels: Uint8Array; size: number }; report: MeshExportReport }> {
  const settings = MeshExportSettings.parse(options);
  const lap = lapTimer();
  const timingsMs = {} as MeshExportReport['timingsMs'];
  const surface = extractSurface(g, settings);
  const kernels = surface.kernels;
  timingsMs.surface = lap();
  const smooth = taubinSmooth(surface.mesh, SMOOTHING_ITERATIONS);
  const simplified = await simplifyMesh(smooth, settings.targetTriangles, FREE_ERROR_CELLS * surface.grid.spacingM);
  timingsMs.simplify = lap();
  const reach = PROBE_REACH_CELLS * surface.grid.spacingM;
  const textured = await unwrapBakeAndWrite(
    simplified.mesh,
    (positions) => new SurfaceColourProbe(g, kernels, buildGaussianCellIndex(kernels, meshBounds(positions), reach), reach),
    settings,
    lap,
    timingsMs,
  );
  const { glb, worldMesh, texture, baked, vertices } = textured;
  return {
    glb,
    worldMesh,
    texture,
    report: {
      gridDims: surface.grid.dims,
      marchingCubesTriangles: surface.rawTriangles,
      keptComponents: surface.keptComponents,
      droppedComponents: surface.droppedComponents,
      triangles: worldMesh.indices.length / 3,
      vertices,
      simplifyRelativeError: simplified.relativeError,
      uncoveredTexels: baked.uncoveredTexels,
      timingsMs,
    },
  };
}
