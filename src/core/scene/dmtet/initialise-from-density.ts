import { KilnError } from '../../../shared/errors';
import { densityGrid } from '../../export/mesh/density-grid';
import { fillEnclosedVoids } from '../../export/mesh/fill-enclosed';
import { buildGaussianCellIndex } from '../../export/mesh/gaussian-cell-index';
import { gaussianKernels } from '../../export/mesh/gaussian-kernels';
import type { ScalarGrid } from '../../export/mesh/scalar-grid';
import { SurfaceColourProbe } from '../../export/mesh/surface-colour-probe';
import type { ColourProbe } from '../../export/mesh/texture-bake';
import { meshBounds, vertexNormals } from '../../export/mesh/triangle-mesh';
import type { GaussianArrays } from '../../../shared/gaussians/gaussian-layout';
import { DeshadedProbe } from './deshaded-probe';
import { EXPORTER_DEFAULTS } from './dmtet-settings';
import type { ViewLight } from './surface-shading';
import { albedoLogit, colourNodeSpacing, createColourField, TrilinearStencil, type ColourField } from './colour-field';
import type { MarchedSurface } from './marching-tets';
import type { TetGrid } from './tet-grid';

/** The SDF's range: threestudio clamps −(density − threshold) to [−1, 1] so dense cores do not dominate. */
const SDF_LIMIT = 1;
/** How far above the threshold (relative) enclosed voids are filled. */
const FILL_MARGIN = 1e-3;
/** The SDF of the grid's shell (vertices outside the generation ball): positive, so every surface stays closed. */
export const SHELL_SDF = 0.01;

/**
 * The initial SDF at the grid's vertices from a density field: s = clamp(threshold − density, −1, 1), density
 * sampled trilinearly (0 outside the density grid). `threshold` "auto" is the mean of the density grid's positive
 * nodes (threestudio's create_from). The shell is held at SHELL_SDF.
 */
export function sdfFromDensity(grid: TetGrid, density: ScalarGrid, threshold: number | 'auto'): { sdf: Float32Array; threshold: number } {
  const level = threshold === 'auto' ? meanPositive(density.values) : threshold;
  if (!(level > 0)) throw new KilnError('invalid-request', 'cannot start the mesh stage: the density field is empty everywhere (the Gaussians are all transparent); export a later snapshot or set a positive initThreshold');
  const vertices = grid.positions.length / 3;
  const sdf = new Float32Array(vertices);
  for (let v = 0; v < vertices; v++) {
    const d = sampleTrilinear(density, grid.positions[3 * v]!, grid.positions[3 * v + 1]!, grid.positions[3 * v + 2]!);
    sdf[v] = Math.min(SDF_LIMIT, Math.max(-SDF_LIMIT, level - d));
  }
  holdShellOutside(grid, sdf);
  return { sdf, threshold: level };
}

/** Raises the shell's SDF to at least SHELL_SDF (after init, and after each optimiser step, keeps the mesh closed). */
export function holdShellOutside(grid: TetGrid, sdf: Float32Array): void {
  for (const v of grid.shell) sdf[v] = Math.max(SHELL_SDF, sdf[v]!);
}

function meanPositive(values: Float32Array): number {
  let sum = 0, count = 0;
  for (const v of values)
    if (v > 0) {
      sum += v;
      count++;
    }
  return count ? sum / count : 0;
}

function sampleTrilinear(grid: ScalarGrid, x: number, y: number, z: number): number {
  const [nx, ny, nz] = grid.dims;
  const u = (x - grid.origin[0]) / grid.spacingM, v = (y - grid.origin[1]) / grid.spacingM, w = (z - grid.origin[2]) / grid.spacingM;
  if (!(u >= 0 && v >= 0 && w >= 0 && u <= nx - 1 && v <= ny - 1 && w <= nz - 1)) return 0;
  const i = Math.min(nx - 2, Math.floor(u)), j = Math.min(ny - 2, Math.floor(v)), k = Math.min(nz - 2, Math.floor(w));
  const fx = u - i, fy = v - j, fz = w - k;
  let sum = 0;
  for (let c = 0; c < 8; c++) {
    const bx = c & 1, by = (c >> 1) & 1, bz = (c >> 2) & 1;
    const weight = (bx ? fx : 1 - fx) * (by ? fy : 1 - fy) * (bz ? fz : 1 - fz);
    sum += weight * grid.values[((k + bz) * ny + j + by) * nx + i + bx]!;
  }
  return sum;
}

/**
 * The initial SDF from stage-1 Gaussians: the GLB exporter's density field Σ σ(o)·exp(−½dᵀΣ⁻¹d) at the tet grid's
 * spacing, with the voids the splats' skin encloses filled as the exporter fills them (a hollow shell of splats would
 * otherwise start as two walls), then sdfFromDensity.
 */
export function initialiseSdfFromGaussians(g: GaussianArrays, grid: TetGrid, threshold: number | 'auto'): { sdf: Float32Array; threshold: number; density: ScalarGrid } {
  const kernels = gaussianKernels(g);
  const holeRadiusCells = Math.round(0.5 * EXPORTER_DEFAULTS.holeClosing * grid.resolution);
  const density = densityGrid(kernels, grid.resolution, holeRadiusCells + 2);
  const level = threshold === 'auto' ? meanPositive(density.values) : threshold;
  // Filled nodes sit a hair above the level: exactly at it, interpolation round-off would leave bubbles inside.
  if (level > 0) fillEnclosedVoids(density, level * (1 + FILL_MARGIN), holeRadiusCells);
  return { ...sdfFromDensity(grid, density, level), density };
}

/**
 * The initial albedo field from stage-1 Gaussians: the colour the splats show at each vertex of the initial surface
 * (the exporter's SurfaceColourProbe, looking down the vertex normal), laid out by initialiseColourFromProbe. Splats
 * hold shaded colour, not albedo: under a known fixed light (the demo prior's) it is divided back out (DeshadedProbe),
 * otherwise the colour is the start and the stage's photometric loss corrects it.
 */
export function initialiseColourFromGaussians(g: GaussianArrays, surface: MarchedSurface, resolution: number, light?: ViewLight): ColourField {
  if (surface.positions.length === 0) return createColourField(resolution);
  const kernels = gaussianKernels(g);
  const reach = 2 * colourNodeSpacing({ resolution });
  const shaded = new SurfaceColourProbe(g, kernels, buildGaussianCellIndex(kernels, meshBounds(surface.positions), reach), reach);
  return initialiseColourFromProbe(light ? new DeshadedProbe(shaded, light) : shaded, surface, resolution);
}

/**
 * An albedo field from a colour probe read at each vertex of the initial surface (looking down the vertex normal),
 * spread to the 8 surrounding nodes with trilinear weights, and carried outwards from there to every other node
 * (nearest filled node by 6-connected steps), so points that drift off the initial surface still read a nearby
 * colour.
 */
export function initialiseColourFromProbe(probe: ColourProbe, surface: MarchedSurface, resolution: number): ColourField {
  const field = createColourField(resolution);
  const count = surface.positions.length / 3;
  if (count === 0) return field;
  const normals = vertexNormals(surface);
  const nodes = resolution ** 3;
  const sum = new Float64Array(3 * nodes), weight = new Float64Array(nodes);
  const colour = new Float64Array(3);
  const stencil = new TrilinearStencil(resolution);
  const p = surface.positions;
  for (let s = 0; s < count; s++) {
    if (probe.sample(p[3 * s]!, p[3 * s + 1]!, p[3 * s + 2]!, normals[3 * s]!, normals[3 * s + 1]!, normals[3 * s + 2]!, colour) === 0) continue;
    stencil.locate(p[3 * s]!, p[3 * s + 1]!, p[3 * s + 2]!);
    for (let c = 0; c < 8; c++) {
      const node = stencil.corner[c]!, w = stencil.weight[c]!;
      weight[node]! += w;
      for (let ch = 0; ch < 3; ch++) sum[3 * node + ch]! += w * colour[ch]!;
    }
  }
  spreadToEmptyNodes(sum, weight, resolution);
  for (let node = 0; node < nodes; node++)
    if (weight[node]! > 0) for (let ch = 0; ch < 3; ch++) field.logits[3 * node + ch] = albedoLogit(sum[3 * node + ch]! / weight[node]!);
  return field;
}

/** Breadth-first from the weighted nodes: each empty node takes the normalised colour of the node that reached it. */
function spreadToEmptyNodes(sum: Float64Array, weight: Float64Array, n: number): void {
  const nodes = n * n * n;
  const queue = new Int32Array(nodes);
  let head = 0, tail = 0;
  for (let node = 0; node < nodes; node++)
    if (weight[node]! > 0) {
      for (let ch = 0; ch < 3; ch++) sum[3 * node + ch] = sum[3 * node + ch]! / weight[node]!;
      weight[node] = 1;
      queue[tail++] = node;
    }
  const steps = [1, -1, n, -n, n * n, -n * n];
  while (head < tail) {
    const node = queue[head++]!;
    const i = node % n, j = Math.floor(node / n) % n, k = Math.floor(node / (n * n));
    const inRange = [i < n - 1, i > 0, j < n - 1, j > 0, k < n - 1, k > 0];
    for (let d = 0; d < 6; d++) {
      const m = node + steps[d]!;
      if (!inRange[d] || weight[m]! > 0) continue;
      for (let ch = 0; ch < 3; ch++) sum[3 * m + ch] = sum[3 * node + ch]!;
      weight[m] = 1;
      queue[tail++] = m;
    }
  }
}
