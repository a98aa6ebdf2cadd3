import { KilnError } from '../../../shared/errors';
import { encodePngRgb } from '../../image/png';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { densityGrid } from './density-grid';
import { fillEnclosedVoids } from './fill-enclosed';
import { buildGaussianCellIndex } from './gaussian-cell-index';
import { gaussianKernels } from './gaussian-kernels';
import { writeGlb } from './glb-writer';
import { keepSubstantialComponents } from './mesh-components';
import { marchingCubes } from './marching-cubes';
import { MeshExportSettings } from './mesh-export-settings';
import { placeMesh } from './mesh-placement';
import { simplifyMesh } from './simplify-mesh';
import { taubinSmooth } from './smooth-mesh';
import { SurfaceColourProbe } from './surface-colour-probe';
import { bakeTexture } from './texture-bake';
import { meshBounds, triangleCount, vertexNormals, type TriangleMesh } from './triangle-mesh';
import { unwrapUvs } from './uv-unwrap';

/** Taubin smoothing passes on the marching-cubes surface (removes grid terracing, which also makes far fewer UV charts). */
const SMOOTHING_ITERATIONS = 10;
/** Simplification always removes what changes the surface by less than this many grid cells, below the target too. */
const FREE_ERROR_CELLS = 0.25;
/** A separate piece of surface is kept when its area is at least this share of the largest piece's (else debris). */
const MIN_PIECE_AREA_SHARE = 0.1;
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
  const clock = () => performance.now();
  let t = clock();
  const lap = () => {
    const now = clock();
    const ms = now - t;
    t = now;
    return ms;
  };
  const timingsMs = {} as MeshExportReport['timingsMs'];
  const surface = extractSurface(g, settings);
  const kernels = surface.kernels;
  timingsMs.surface = lap();
  const smooth = taubinSmooth(surface.mesh, SMOOTHING_ITERATIONS);
  const simplified = await simplifyMesh(smooth, settings.targetTriangles, FREE_ERROR_CELLS * surface.grid.spacingM);
  timingsMs.simplify = lap();
  const normals = vertexNormals(simplified.mesh);
  const atlas = await unwrapUvs(simplified.mesh);
  const vertices = atlas.sourceVertex.length;
  const positions = new Float32Array(3 * vertices);
  const outNormals = new Float32Array(3 * vertices);
  atlas.sourceVertex.forEach((src, v) => {
    positions.set(simplified.mesh.positions.subarray(3 * src, 3 * src + 3), 3 * v);
    outNormals.set(normals.subarray(3 * src, 3 * src + 3), 3 * v);
  });
  timingsMs.unwrap = lap();
  const reach = PROBE_REACH_CELLS * surface.grid.spacingM;
  const index = buildGaussianCellIndex(kernels, meshBounds(positions), reach);
  const probe = new SurfaceColourProbe(g, kernels, index, reach);
  const baked = bakeTexture({ positions, normals: outNormals, uvs: atlas.uvs, indices: atlas.indices, size: settings.textureSize }, probe);
  timingsMs.bake = lap();
  const glb = await writeGlb({
    positions: placeMesh(positions, settings.pivot, settings.scale),
    normals: outNormals,
    uvs: atlas.uvs,
    indices: atlas.indices,
    baseColourPng: encodePngRgb(baked.pixels, baked.size, baked.size),
  });
  timingsMs.glb = lap();
  return {
    glb,
    worldMesh: { positions, indices: atlas.indices, normals: outNormals, uvs: atlas.uvs },
    texture: { pixels: baked.pixels, size: baked.size },
    report: {
      gridDims: surface.grid.dims,
      marchingCubesTriangles: surface.rawTriangles,
      keptComponents: surface.keptComponents,
      droppedComponents: surface.droppedComponents,
      triangles: atlas.indices.length / 3,
      vertices,
      simplifyRelativeError: simplified.relativeError,
      uncoveredTexels: baked.uncoveredTexels,
      timingsMs,
    },
  };
}
