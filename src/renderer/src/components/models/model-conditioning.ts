import type { ModelInfo } from '../../../../shared/models';

/** What a run is conditioned on, as far as its model is concerned: a prompt, or a reference photo. */
export type Conditioning = 'text' | 'image';

/** The pack kind (kiln.json's `kind`) each conditioning needs: the engine refuses the other (open-run-prior.ts). */
const KIND_FOR: Record<Conditioning, string> = { text: 'text-to-image', image: 'view-conditioned' };

/** What a run of each conditioning uses when the artist names no model: the built-in demo prior of that kind. */
const DEFAULT_MODEL: Record<Conditioning, string> = { text: 'demo', image: 'demo-view' };

/** Whether a pack can run a run conditioned so. */
export function fitsConditioning(model: ModelInfo, conditioning: Conditioning): boolean {
  return model.kind === KIND_FOR[conditioning];
}

/**
 * The model for a run conditioned so: `current` when it fits, else the first usable pack that does (the built-in
 * demo prior of that kind comes first). While the list loads only the two default demo priors are told apart.
 */
export function modelForConditioning(models: readonly ModelInfo[] | null, conditioning: Conditioning, current: string): string {
  if (!models) {
    const other: Conditioning = conditioning === 'text' ? 'image' : 'text';
    return current === DEFAULT_MODEL[other] ? DEFAULT_MODEL[conditioning] : current;
  }
  const info = models.find((m) => m.id === current);
  if (!info || fitsConditioning(info, conditioning)) return current;
  return models.find((m) => m.ok && fitsConditioning(m, conditioning))?.id ?? DEFAULT_MODEL[conditioning];
}
