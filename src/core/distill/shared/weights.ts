import { z } from 'zod';

/**
 * The weight w(t) on the score difference (docs/methods.md §0): DreamFusion's 1 − ᾱ_t, LucidDreamer/DreamerXL's and SDI's
 * √((1 − ᾱ_t)/ᾱ_t), or 1. Each method's settings name one, with its authors' choice as default.
 */
export const WeightKind = z.enum(['one-minus-alpha-bar', 'sigma-ratio', 'uniform']);
export type WeightKind = z.infer<typeof WeightKind>;

export function weightAt(kind: WeightKind, alphaBar: number): number {
  switch (kind) {
    case 'one-minus-alpha-bar':
      return 1 - alphaBar;
    case 'sigma-ratio':
      return Math.sqrt((1 - alphaBar) / alphaBar);
    case 'uniform':
      return 1;
  }
}
