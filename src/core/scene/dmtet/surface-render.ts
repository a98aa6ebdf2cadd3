import type { MeshRaster, Antialiased, MeshRasterizer } from '../../render/mesh-rasterizer';
import type { KernelCamera } from '../../render/kernel-camera';
import { splitCoverage, withCoverage } from '../../render/mesh-coverage';
import { vertexNormals, type TriangleMesh } from '../../export/mesh/triangle-mesh';
import { sampleColourField, sampleColourFieldBackward, type ColourField } from './colour-field';
import { shadeAt, type ViewLight } from './surface-shading';
import { vertexNormalsBackward } from './vertex-normals-backward';

/** What a render of the surface returns, each channels-first per view (B views of H×W). */
export interface SurfaceImages {
  /** B×3×H×W in [0, 1]: shaded albedo over the background, antialiased across silhouettes. */
  rgb: Float32Array;
  /** B×H×W: the antialiased coverage. */
  alpha: Float32Array;
  /** B×H×W: camera-space depth of the nearest surface (0 where none). */
  depth: Float32Array;
  /** B×3×H×W: world-space shading normal, unit per sample (0 where no surface; the model box-filters supersamples). */
  normals: Float32Array;
}

/** Interpolated per pixel: world position (3) and the vertex normal (3). */
const ATTRIBUTES = 6;

/**
 * Everything one render keeps for its backward pass: the rasterizer's stateless contexts live here and nowhere
 * else, from one render to its gradient.
 */
export interface SurfacePass {
  mesh: TriangleMesh;
  attributes: Float32Array;
  raster: MeshRaster;
  aa: Antialiased;
  lights: readonly ViewLight[];
  /** The covered pixels (b·H·W + k), and per covered pixel its world point, albedo, unit normal, normal length, shade. */
  pixels: Int32Array;
  points: Float32Array;
  albedo: Float32Array;
  unitNormals: Float32Array;
  normalLength: Float32Array;
  shade: Float32Array;
}

/**
 * Renders a surface: rasterize → interpolate world position and vertex normal → albedo from the colour field at
 * each pixel's surface point → shading under each view's light → over the background → antialias with coverage.
 */
export function renderSurface(
  rasterizer: MeshRasterizer,
  mesh: TriangleMesh,
  colour: ColourField,
  cameras: readonly KernelCamera[],
  lights: readonly ViewLight[],
  background: readonly [number, number, number],
): { images: SurfaceImages; pass: SurfacePass } {
  const normals = vertexNormals(mesh);
  const vertices = mesh.positions.length / 3;
  const attributes = new Float32Array(ATTRIBUTES * vertices);
  for (let v = 0; v < vertices; v++) {
    attributes.set(mesh.positions.subarray(3 * v, 3 * v + 3), ATTRIBUTES * v);
    attributes.set(normals.subarray(3 * v, 3 * v + 3), ATTRIBUTES * v + 3);
  }
  const raster = rasterizer.rasterize(mesh, cameras);
  const attrImage = rasterizer.interpolate(raster, attributes, ATTRIBUTES);
  const plane = raster.width * raster.height;
  const views = raster.cameraCount;
  let covered = 0;
  for (const id of raster.triangleId) if (id >= 0) covered++;
  const pixels = new Int32Array(covered);
  const points = new Float32Array(3 * covered);
  const unitNormals = new Float32Array(3 * covered);
  const normalLength = new Float32Array(covered);
  let i = 0;
  for (let q = 0; q < raster.triangleId.length; q++) {
    if (raster.triangleId[q]! < 0) continue;
    const b = Math.floor(q / plane), k = q - b * plane, base = b * ATTRIBUTES * plane + k;
    pixels[i] = q;
    for (let x = 0; x < 3; x++) points[3 * i + x] = attrImage[base + x * plane]!;
    const mx = attrImage[base + 3 * plane]!, my = attrImage[base + 4 * plane]!, mz = attrImage[base + 5 * plane]!;
    const length = Math.hypot(mx, my, mz) || 1;
    normalLength[i] = length;
    unitNormals[3 * i] = mx / length;
    unitNormals[3 * i + 1] = my / length;
    unitNormals[3 * i + 2] = mz / length;
    i++;
  }
  const albedo = sampleColourField(colour, points);
  const shade = new Float32Array(covered);
  const shaded = new Float32Array(3 * views * plane);
  for (let b = 0; b < views; b++) for (let c = 0; c < 3; c++) shaded.fill(background[c]!, (3 * b + c) * plane, (3 * b + c + 1) * plane);
  const normalImage = new Float32Array(3 * views * plane);
  for (let p = 0; p < covered; p++) {
    const q = pixels[p]!, b = Math.floor(q / plane), k = q - b * plane;
    const s = (shade[p] = shadeAt(lights[b]!, points[3 * p]!, points[3 * p + 1]!, points[3 * p + 2]!, unitNormals[3 * p]!, unitNormals[3 * p + 1]!, unitNormals[3 * p + 2]!));
    for (let c = 0; c < 3; c++) {
      shaded[(3 * b + c) * plane + k] = albedo[3 * p + c]! * s;
      normalImage[(3 * b + c) * plane + k] = unitNormals[3 * p + c]!;
    }
  }
  const aa = rasterizer.antialias(raster, withCoverage(raster, shaded, 3), 4);
  const { image: rgb, alpha } = splitCoverage(raster, aa.image, 3);
  const pass: SurfacePass = { mesh, attributes, raster, aa, lights, pixels, points, albedo, unitNormals, normalLength, shade };
  return { images: { rgb, alpha, depth: raster.depth, normals: normalImage }, pass };
}

/** Image-space gradients of a render's outputs (dDepth through the z-buffer's depth; alpha and depth optional). */
export interface SurfaceImageGradients {
  dRgb: Float32Array;
  dAlpha?: Float32Array;
  dDepth?: Float32Array;
}

/**
 * Backward of renderSurface: dL/d(colour-field logits) is added into `dLogits`; returns dL/d(mesh vertex positions)
 * through silhouette edges (antialias), barycentrics and depth (rasterize), the interpolated world point (colour
 * field lookup, point light), and the vertex normals (shading).
 */
export function renderSurfaceBackward(
  rasterizer: MeshRasterizer,
  pass: SurfacePass,
  colour: ColourField,
  grads: SurfaceImageGradients,
  dLogits: Float32Array,
): Float32Array {
  const { raster } = pass;
  const plane = raster.width * raster.height;
  const views = raster.cameraCount;
  const dAa = new Float32Array(4 * views * plane);
  for (let b = 0; b < views; b++) {
    dAa.set(grads.dRgb.subarray(3 * b * plane, 3 * (b + 1) * plane), 4 * b * plane);
    if (grads.dAlpha) dAa.set(grads.dAlpha.subarray(b * plane, (b + 1) * plane), (4 * b + 3) * plane);
  }
  const { dImage, dPositions: dEdges } = rasterizer.antialiasBackward(pass.aa, dAa);
  const dShaded = splitCoverage(raster, dImage, 3).image;
  const covered = pass.pixels.length;
  const dAlbedo = new Float32Array(3 * covered);
  const dPoints = new Float64Array(3 * covered);
  const dAttrImage = new Float32Array(ATTRIBUTES * views * plane);
  const g = new Float64Array(6);
  for (let p = 0; p < covered; p++) {
    const q = pass.pixels[p]!, b = Math.floor(q / plane), k = q - b * plane;
    let dShade = 0;
    for (let c = 0; c < 3; c++) {
      const d = dShaded[(3 * b + c) * plane + k]!;
      dAlbedo[3 * p + c] = d * pass.shade[p]!;
      dShade += d * pass.albedo[3 * p + c]!;
    }
    if (dShade === 0) continue;
    const nx = pass.unitNormals[3 * p]!, ny = pass.unitNormals[3 * p + 1]!, nz = pass.unitNormals[3 * p + 2]!;
    shadeAt(pass.lights[b]!, pass.points[3 * p]!, pass.points[3 * p + 1]!, pass.points[3 * p + 2]!, nx, ny, nz, g);
    for (let x = 0; x < 3; x++) dPoints[3 * p + x] = dShade * g[3 + x]!;
    // n̂ = m/‖m‖: dL/dm = (dn̂ − (n̂·dn̂)·n̂)/‖m‖.
    const dnx = dShade * g[0]!, dny = dShade * g[1]!, dnz = dShade * g[2]!;
    const along = nx * dnx + ny * dny + nz * dnz, inv = 1 / pass.normalLength[p]!;
    const base = b * ATTRIBUTES * plane + k;
    dAttrImage[base + 3 * plane] = (dnx - along * nx) * inv;
    dAttrImage[base + 4 * plane] = (dny - along * ny) * inv;
    dAttrImage[base + 5 * plane] = (dnz - along * nz) * inv;
  }
  sampleColourFieldBackward(colour, pass.points, pass.albedo, dAlbedo, dLogits, dPoints);
  for (let p = 0; p < covered; p++) {
    const q = pass.pixels[p]!, b = Math.floor(q / plane), k = q - b * plane;
    for (let x = 0; x < 3; x++) dAttrImage[b * ATTRIBUTES * plane + k + x * plane] = dPoints[3 * p + x]!;
  }
  const { dAttributes, dBary } = rasterizer.interpolateBackward(raster, pass.attributes, ATTRIBUTES, dAttrImage);
  const dPositions = rasterizer.rasterizeBackward(raster, { dBary, dDepth: grads.dDepth });
  const dNormals = new Float32Array(pass.mesh.positions.length);
  for (let v = 0; v < dNormals.length / 3; v++)
    for (let x = 0; x < 3; x++) {
      dPositions[3 * v + x]! += dEdges[3 * v + x]! + dAttributes[ATTRIBUTES * v + x]!;
      dNormals[3 * v + x] = dAttributes[ATTRIBUTES * v + 3 + x]!;
    }
  vertexNormalsBackward(pass.mesh, dNormals, dPositions);
  return dPositions;
}
