import { dyno, modifiers, type GsplatModifier, type SplatMesh } from '@sparkjsdev/spark';
import type { PayloadKind } from '../../../../shared/runs';

/**
 * How the viewport draws what it shows: `colour` is the snapshot as it trained (splats, or a mesh's lit albedo),
 * `glb-preview` the GLB export built from splats, `alpha` the coverage, `depth` the expected depth.
 */
export const DISPLAY_MODES = ['colour', 'glb-preview', 'alpha', 'depth'] as const;
export type DisplayMode = (typeof DISPLAY_MODES)[number];

/** What the view shows: one kind of payload, both (compare panes that differ), or nothing yet (null). */
export type ShownKind = PayloadKind | 'mixed' | null;

/**
 * The modes the toolbar offers for what is shown, labelled for it. A mesh snapshot is drawn as itself or as its
 * coverage: it has no GLB preview to build (it is the mesh) and no depth shading yet.
 */
export function displayModeOptions(kind: ShownKind): { mode: DisplayMode; label: string }[] {
  if (kind === 'mesh') return [{ mode: 'colour', label: 'Mesh (shaded)' }, { mode: 'alpha', label: 'Alpha' }];
  return [
    { mode: 'colour', label: kind === 'mixed' ? 'Splats / mesh (shaded)' : 'Splats' },
    { mode: 'glb-preview', label: 'Mesh (GLB preview of splats)' },
    { mode: 'alpha', label: 'Alpha' },
    { mode: 'depth', label: 'Depth' },
  ];
}

/**
 * The mode a payload of `kind` is drawn in when `chosen` is the artist's choice: theirs if it applies, else colour.
 * The choice itself is kept, so scrubbing back to splats returns to it.
 */
export function shownDisplayMode(chosen: DisplayMode, kind: ShownKind): DisplayMode {
  return displayModeOptions(kind).some((o) => o.mode === chosen) ? chosen : 'colour';
}

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
