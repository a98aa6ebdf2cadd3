import type { ExportFormat } from './formats';
import { exportTexturedMesh } from './mesh/mesh-from-gaussians';
import { MeshExportSettings } from './mesh/mesh-export-settings';

const format: ExportFormat<typeof MeshExportSettings> = {
  name: 'glb',
  extension: 'glb',
  title: 'Textured mesh (GLB)',
  summary:
    'A clean triangle mesh (a mesh stage’s own surface, else one meshed from the splats) with a baked colour texture and PBR material, Y-up, metres, origin at the bottom centre, for Unity, Unreal, Godot and Blender.',
  options: MeshExportSettings,
  write: async (g, options) => (await exportTexturedMesh(g, options)).glb,
};

/**
 * Textured mesh for game engines and DCC tools: the Gaussians' surface, simplified, UV-unwrapped and baked.
 * Registered in formats.ts; only types come from there, so the two modules do not import each other at run time
 * (the cast is what formats.ts's defineExportFormat does).
 */
export const glbFormat = format as unknown as ExportFormat;
