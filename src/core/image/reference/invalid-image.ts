import { KilnError } from '../../../shared/errors';

/** A reference image the user has to replace or fix; `what` names it ("photo.png", "the pasted image"). */
export function invalidImage(what: string, problem: string): KilnError {
  return new KilnError('invalid-image', `${what} ${problem}`);
}
