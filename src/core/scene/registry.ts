import { KilnError } from '../../shared/errors';
import { dmtetRepresentation } from './dmtet/dmtet-representation';
import { gaussiansRepresentation } from './gaussians/gaussian-representation';
import type { RepresentationDefinition } from './representation';

/**
 * Every representation a stage can optimise, registered in one place and chosen by name (as threestudio registers
 * its geometries). The shared list REPRESENTATION_NAMES fixes their coarse-to-fine order; this one says which exist.
 */
export const REPRESENTATIONS: readonly RepresentationDefinition[] = [gaussiansRepresentation, dmtetRepresentation];

export function representationByName(name: string): RepresentationDefinition {
  const found = REPRESENTATIONS.find((r) => r.name === name);
  if (found) return found;
  const available = REPRESENTATIONS.map((r) => r.name).join(', ');
  throw new KilnError('invalid-request', `unknown representation "${name}"; choose one of ${available}`);
}
