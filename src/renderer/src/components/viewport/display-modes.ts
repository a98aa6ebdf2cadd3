import { dyno, modifiers, type GsplatModifier, type SplatMesh } from '@sparkjsdev/spark';

export const DISPLAY_MODES = ['splat', 'mesh', 'alpha', 'depth'] as const;
export type DisplayMode = (typeof DISPLAY_MODES)[number];

export const DISPLAY_MODE_LABELS: Record<DisplayMode, string> = {
  splat: 'Splats',
  mesh: 'Mesh (GLB preview of splats)',
  alpha: 'Alpha',
  depth: 'Depth',
};

/** Depth mode maps view depth in [near, far] to white → black; the viewport updates these each frame. */
export interface DepthRange {
  near: dyno.DynoFloat<string>;
  far: dyno.DynoFloat<string>;
}

/**
 * Alpha: every splat's colour becomes white and keeps its opacity, so the alpha-composited image over a black
 * background is exactly the accumulated opacity 1 − Π(1 − αᵢ) the rasterizer's alpha channel holds.
 */
function whiteSplatsModifier(): GsplatModifier {
  return dyno.dynoBlock({ gsplat: dyno.Gsplat }, { gsplat: dyno.Gsplat }, ({ gsplat }) => {
    if (!gsplat) throw new Error('the alpha display mode needs a splat input');
    const one = dyno.dynoConst('float', 1);
    return { gsplat: dyno.combineGsplat({ gsplat, r: one, g: one, b: one }) };
  });
}

/**
 * Sets the splats' display modifier for a mode. Depth uses Spark's depth-colour modifier: each splat is coloured by
 * its own view-space depth and alpha-blended like colour, i.e. the expected depth Σ wᵢ dᵢ the 3DGS rasterizer
 * renders as its depth output (reversed so near is bright).
 */
export function applyDisplayMode(mesh: SplatMesh, mode: DisplayMode, depth: DepthRange): void {
  if (mode === 'alpha') {
    mesh.worldModifier = whiteSplatsModifier();
  } else if (mode === 'depth') {
    mesh.enableWorldToView = true;
    mesh.worldModifier = modifiers.makeDepthColorModifier(mesh.context.worldToView, depth.near, depth.far, dyno.dynoConst('bool', true));
  } else {
    mesh.worldModifier = undefined;
  }
  mesh.updateGenerator();
}
