import { keepSubstantialComponents, MIN_PIECE_AREA_SHARE } from '../../export/mesh/mesh-components';
import { MeshExportSettings } from '../../export/mesh/mesh-export-settings';
import { simplifyMesh } from '../../export/mesh/simplify-mesh';
import type { ColourProbe } from '../../export/mesh/texture-bake';
import { lapTimer, unwrapBakeAndWrite, type TexturedWorldMesh } from '../../export/mesh/textured-glb';
import type { TriangleMesh } from '../../export/mesh/triangle-mesh';
import { TrilinearStencil, stencilAlbedo, type ColourField } from './colour-field';

/** Simplification always removes what moves the surface by less than this share of a tet cell. */
const FREE_ERROR_CELLS = 0.25;

/** The colour field as a bake's colour probe: the albedo at the surface point (the field has no view or coverage). */
export class ColourFieldProbe implements ColourProbe {
  private readonly stencil: TrilinearStencil;

  constructor(private readonly field: ColourField) {
    this.stencil = new TrilinearStencil(field.resolution);
  }

  sample(px: number, py: number, pz: number, _nx: number, _ny: number, _nz: number, out: Float64Array): number {
    this.stencil.locate(px, py, pz);
    for (let ch = 0; ch < 3; ch++) out[ch] = stencilAlbedo(this.field, this.stencil, ch);
    return 1;
  }
}

export interface DmtetGlbReport {
  keptComponents: number;
  droppedComponents: number;
  triangles: number;
  vertices: number;
  timingsMs: Partial<Record<'simplify' | 'unwrap' | 'bake' | 'glb', number>>;
}

export type SurfaceGlb = { glb: Uint8Array; worldMesh: TexturedWorldMesh; texture: { pixels: Uint8Array; size: number }; report: DmtetGlbReport };

/**
 * A GLB from the DMTet surface itself (closed by construction): pieces under 10 % of the largest's area dropped,
 * simplified to the target triangle count, UV-unwrapped, the colour field's albedo baked to the base-colour
 * texture (no lighting in it: engines light the asset), placed at the pivot.
 */
export async function exportDmtetGlb(surface: TriangleMesh, colour: ColourField, cellM: number, options: Partial<MeshExportSettings> = {}): Promise<SurfaceGlb> {
  return exportSurfaceGlb(surface, () => new ColourFieldProbe(colour), cellM, options);
}

/** exportDmtetGlb's steps with any albedo probe (the colour field in a run, a mesh snapshot's vertex albedo after it). */
export async function exportSurfaceGlb(surface: TriangleMesh, probe: () => ColourProbe, cellM: number, options: Partial<MeshExportSettings> = {}): Promise<SurfaceGlb> {
  const settings = MeshExportSettings.parse(options);
  const lap = lapTimer();
  const timingsMs: DmtetGlbReport['timingsMs'] = {};
  const { mesh, keptComponents, droppedComponents } = keepSubstantialComponents(surface, MIN_PIECE_AREA_SHARE);
  const simplified = await simplifyMesh(mesh, settings.targetTriangles, FREE_ERROR_CELLS * cellM);
  timingsMs.simplify = lap();
  const { glb, worldMesh, texture, vertices } = await unwrapBakeAndWrite(simplified.mesh, probe, settings, lap, timingsMs);
  return { glb, worldMesh, texture, report: { keptComponents, droppedComponents, triangles: worldMesh.indices.length / 3, vertices, timingsMs } };
}
