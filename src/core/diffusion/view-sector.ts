/**
 * The azimuth sectors that view words name ("front view", "side view", "back view"), defined once: the demo prior's
 * text encoder masks its training views by this function and the methods' view prompts pick their word by it.
 * Azimuth 0 is the front (the camera on +Z looking at the object, docs/conventions.md); the back sector is as wide as the
 * front one, around 180°, and "side" is everything between, left and right alike.
 */
export const VIEW_SECTORS = ['front', 'side', 'back'] as const;
export type ViewSector = (typeof VIEW_SECTORS)[number];

/** Half-width of the front (and back) sector in degrees, as threestudio's view-dependent prompting uses. */
export const DEFAULT_FRONT_HALF_WIDTH_DEG = 45;

/** |azimuth| folded into [0, 180]. */
export function foldedAzimuthDeg(azimuthDeg: number): number {
  const a = ((azimuthDeg % 360) + 360) % 360;
  return a > 180 ? 360 - a : a;
}

export function viewSector(azimuthDeg: number, frontHalfWidthDeg = DEFAULT_FRONT_HALF_WIDTH_DEG): ViewSector {
  const a = foldedAzimuthDeg(azimuthDeg);
  if (a <= frontHalfWidthDeg) return 'front';
  if (a >= 180 - frontHalfWidthDeg) return 'back';
  return 'side';
}
