import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { formatZodIssues } from '../../shared/zod-issues';
import type { MethodDefinition } from './guidance';
import { dtcMethod } from './dtc';
import { ge3dMethod } from './ge3d';
import { ismMethod } from './ism';
import { sdiMethod } from './sdi';
import { sdsMethod } from './sds';
import { tsmMethod } from './tsm';
import { vdmMethod } from './vdm';

/** Every distillation method, registered in one place and chosen by name (as threestudio's registry does). */
export const METHODS: readonly MethodDefinition[] = [sdsMethod, ismMethod, tsmMethod, sdiMethod, ge3dMethod, vdmMethod, dtcMethod];

export function methodByName(name: string): MethodDefinition {
  const method = METHODS.find((m) => m.name === name);
  if (!method) {
    throw new KilnError('invalid-request', `unknown method "${name}"; choose one of ${METHODS.map((m) => m.name).join(', ')}`);
  }
  return method;
}

/** A method's settings with its defaults filled in; an unknown or invalid setting is refused with its path. */
export function parseMethodSettings(name: string, raw: unknown): unknown {
  const definition = methodByName(name);
  const schema = definition.settings instanceof z.ZodObject ? definition.settings.strict() : definition.settings;
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new KilnError('invalid-request', `invalid ${name} settings: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}
