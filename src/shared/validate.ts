import type { z } from 'zod';
import { KilnError } from './errors';
import { isStudioMethod, studioMethods, type StudioMethod, type StudioParsedRequest } from './studio-api';

/** Turns zod issues into one sentence naming each offending field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

export function parseMethod(name: unknown): StudioMethod {
  if (typeof name !== 'string' || !isStudioMethod(name)) {
    throw new KilnError('unknown-method', `unknown StudioApi method ${JSON.stringify(name)}`);
  }
  return name;
}

export function parseRequest<M extends StudioMethod>(method: M, raw: unknown): StudioParsedRequest<M> {
  const result = studioMethods[method].request.safeParse(raw ?? {});
  if (!result.success) {
    throw new KilnError('invalid-request', `invalid ${method} request — ${describeIssues(result.error)}`);
  }
  return result.data as StudioParsedRequest<M>;
}
