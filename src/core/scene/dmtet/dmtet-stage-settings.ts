import { z } from 'zod';
import { KilnError } from '../../../shared/errors';
import { formatZodIssues } from '../../../shared/zod-issues';
import { DmtetModelSettings } from './dmtet-model-settings';

/**
 * A DMTet stage as stored in a run's config: the model's settings, every value explicit, and the stage's length
 * (the regulariser ramps, learning-rate decay and grid progression are fractions of it).
 */
export const DmtetStageSettings = DmtetModelSettings.extend({ stageIterations: z.number().int().positive() }).strict();
export type DmtetStageSettings = z.infer<typeof DmtetStageSettings>;

/** What a request (or a preset) may set for a DMTet stage: any model setting, nothing else. */
const DmtetStageRequest = DmtetModelSettings.partial().strict();

/** The values `raw` sets, checked; zod fills a partial schema's defaults in too, which would override the preset's. */
function parseRequest(raw: Record<string, unknown>, what: string) {
  const parsed = DmtetStageRequest.safeParse(raw);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid ${what}: ${formatZodIssues(parsed.error)}`);
  return Object.fromEntries(Object.entries(parsed.data).filter(([key]) => key in raw));
}

/** A DMTet stage's settings: the request's values over the preset's over the schema's defaults. */
export function resolveDmtetStageSettings(preset: Record<string, unknown>, request: Record<string, unknown>, iterations: number): DmtetStageSettings {
  const merged = { ...parseRequest(preset, 'preset DMTet settings'), ...parseRequest(request, 'DMTet stage settings') };
  const parsed = DmtetModelSettings.safeParse(merged);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid DMTet settings: ${formatZodIssues(parsed.error)}`);
  return { ...parsed.data, stageIterations: iterations };
}
