import { z } from 'zod';
import { DEFAULT_FRONT_HALF_WIDTH_DEG, foldedAzimuthDeg, viewSector, type ViewSector } from '../../diffusion/view-sector';

/**
 * View-dependent prompting (docs/methods.md §8): the prompt gains "front view", "side view" or "back view" by azimuth,
 * and Perp-Neg weights the other views' prompts as negatives, interpolated between neighbouring views.
 * Azimuth 0 is the front (the camera on +Z looking at the object), as in docs/conventions.md.
 */
export const ViewPromptSettings = z.object({
  /** On by default, as threestudio's prompt processors and LucidDreamer's configs append view words. */
  enabled: z.boolean().default(true),
  /** Perp-Neg on the view prompts (needs `enabled`); each method's schema sets its authors' default. */
  perpNeg: z.boolean().default(false),
  suffixes: z.object({ front: z.string(), side: z.string(), back: z.string() }).default({
    front: ', front view',
    side: ', side view',
    back: ', back view',
  }),
  /** Half-width of the front sector in degrees; the back sector is the same width around 180°. */
  frontHalfWidthDeg: z.number().min(0).max(90).default(DEFAULT_FRONT_HALF_WIDTH_DEG),
  /** Perp-Neg: negative weight given to the opposite view's prompt (Perp-Neg paper's default scale). */
  perpNegWeight: z.number().min(0).default(1),
});
export type ViewPromptSettings = z.infer<typeof ViewPromptSettings>;

/** A method's `viewPrompts` setting: view prompts on, Perp-Neg as its authors' code has it. */
export function viewPromptSettings(perpNegDefault: boolean) {
  return ViewPromptSettings.extend({ perpNeg: z.boolean().default(perpNegDefault) }).prefault({});
}

export type ViewName = ViewSector;

/** The sector a camera's azimuth falls in: the one definition the demo prior's view words share (view-sector.ts). */
export function viewName(azimuthDeg: number, s: Pick<ViewPromptSettings, 'frontHalfWidthDeg'>): ViewName {
  return viewSector(azimuthDeg, s.frontHalfWidthDeg);
}

export function viewPrompt(prompt: string, azimuthDeg: number, s: ViewPromptSettings): string {
  return prompt + s.suffixes[viewName(azimuthDeg, s)];
}

/**
 * Perp-Neg negatives for a view: between front and side, the positive is the nearer view and the other gets a weight
 * that grows as the camera approaches it; similarly between side and back. Returns the negative views with weights.
 */
export function perpNegNegatives(azimuthDeg: number, s: ViewPromptSettings): { view: ViewName; weight: number }[] {
  const a = foldedAzimuthDeg(azimuthDeg);
  const w = s.perpNegWeight;
  if (a <= 90) {
    const r = a / 90;
    return [{ view: viewName(azimuthDeg, s) === 'front' ? 'side' : 'front', weight: w * (viewName(azimuthDeg, s) === 'front' ? r : 1 - r) }];
  }
  const r = (a - 90) / 90;
  return [{ view: viewName(azimuthDeg, s) === 'back' ? 'side' : 'back', weight: w * (viewName(azimuthDeg, s) === 'back' ? 1 - r : r) }];
}
