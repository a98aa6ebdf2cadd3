import { z } from 'zod';

export const PROJECT_NAME_MAX = 120;

export const ProjectId = z.string().uuid({ message: 'project id must be a UUID' });

export const ProjectName = z
  .string({ message: 'project name must be a string' })
  .trim()
  .min(1, { message: 'project name must not be empty' })
  .max(PROJECT_NAME_MAX, { message: `project name must be at most ${PROJECT_NAME_MAX} characters` })
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
    message: 'project name must not contain control characters',
  })
  // A lone surrogate cannot be stored as UTF-8, and U+FFFD is what invalid UTF-8 (a mis-encoded argument or body)
  // decodes to: either would be silently changed on the way in, so the name is refused instead.
  .refine((s) => !/[\uD800-\uDFFF\uFFFD]/u.test(s), {
    message: 'project name must be valid Unicode text (it contains a lone surrogate or bytes that are not UTF-8, shown as �)',
  });

export const Project = z.object({
  id: ProjectId,
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  openedAt: z.string().nullable(),
});
export type Project = z.infer<typeof Project>;
