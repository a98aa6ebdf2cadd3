import type { z } from 'zod';

/** A zod error as one line a person can act on: "path.to.field: message; other.field: message". */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}
