import { KilnError } from '../../shared/errors';
import type { MethodDefinition } from './guidance';
import { sdsMethod } from './sds';

/** Every distillation method, registered in one place and chosen by name (as threestudio's registry does). */
export const METHODS: readonly MethodDefinition[] = [sdsMethod];

export function methodByName(name: string): MethodDefinition {
  const method = METHODS.find((m) => m.name === name);
  if (!method) {
    throw new KilnError('invalid-request', `unknown method "${name}"; choose one of ${METHODS.map((m) => m.name).join(', ')}`);
  }
  return method;
}
