import { checkModelAndConditioning } from './open-run-prior';
import type { ResolvedRunConfig } from './run-config';
import { checkTextModel } from './text-teacher';

/**
 * Checks that a run's models fit what it is conditioned on — its model (checkModelAndConditioning) and its text
 * teacher's (checkTextModel) — before the run is recorded, and again when an engine opens it.
 */
export function checkRunModels(config: ResolvedRunConfig): void {
  const input = { ...config, image: config.reference !== null };
  checkModelAndConditioning(input);
  checkTextModel(input);
}
