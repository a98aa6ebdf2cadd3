import { KilnError } from '../../shared/errors';
import type { MethodDefinition } from './guidance';
import { ge3dMethod } from './ge3d';
import { ismMethod } from './ism';
import { sdiMethod } from './sdi';
import { sdsMethod } from './sds';
import { tsmMethod } from './tsm';
import { vdmMethod } from './vdm';

/** Every distillation method, registered in one place and chosen by name (as threestudio's registry does). */
export const METHODS: readonly MethodDefinition[] = [sdsMethod, ismMethod, tsmMethod, sdiMethod, ge3dMethod, vdmMethod];

export function methodByName(name: string): MethodDefinition {
  const method = METHODS.find((m) => m.name === name);
  if (!method) {
    throw new KilnError('invalid-request', `unknown method "${name}"; choose one of ${METHODS.map((m) => m.name).join(', ')}`);
  }
  return method;
}
