import { KilnError } from '../../shared/errors';
import { REPRESENTATION_NAMES } from '../../shared/runs';
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
  if ((REPRESENTATION_NAMES as readonly string[]).includes(name)) {
    throw new KilnError('invalid-request', `the ${name} representation is not available in this version of Kiln yet; use stages of: ${available}`);
  }
  throw new KilnError('invalid-request', `unknown representation "${name}"; choose one of ${available}`);
}
