import { KilnError } from '../../shared/errors';

/** A damaged or unsupported model pack: the message names the file and what is wrong with it. */
export function modelPackError(file: string, problem: string): KilnError {
  return new KilnError('model-pack', `${file} ${problem}`);
}
