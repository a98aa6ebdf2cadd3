import { z } from 'zod';
import { KilnError } from '../../../shared/errors';
import { formatZodIssues } from '../../../shared/zod-issues';
import { GaussianTrainingSettings } from './training-settings';

/** A Gaussian stage as stored in a run's config: every value explicit. */
export const GaussianStageSettings = z.object({
  initialGaussians: z.number().int().positive(),
  shDegreeMax: z.number().int().min(0).max(3),
  training: GaussianTrainingSettings,
});
export type GaussianStageSettings = z.infer<typeof GaussianStageSettings>;

/** What a request (or a preset) may set for a Gaussian stage. */
const GaussianStageRequest = z
  .object({
    initialGaussians: z.number().int().min(1).max(1_000_000).optional(),
    maxGaussians: z.number().int().min(1).max(5_000_000).optional(),
    /** Overrides of the 3DGS training settings (training-settings.ts). */
    training: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** The schedule fractions of the method benchmark's 3DGS configuration (BENCH_TRAINING at 800 iterations). */
function scheduledTraining(iterations: number, maxGaussians: number | undefined) {
  const at = (fraction: number) => Math.max(1, Math.round(iterations * fraction));
  return {
    positionLrInit: 1.6e-3,
    positionLrFinal: 1.6e-5,
    densifyFrom: at(1 / 8),
    densifyUntil: at(5 / 8),
    densifyInterval: at(1 / 8),
    opacityResetInterval: 0,
    shDegreeInterval: at(1 / 2),
    maxGaussians,
  };
}

function parseRequest(raw: Record<string, unknown>, what: string) {
  const parsed = GaussianStageRequest.safeParse(raw);
  if (!parsed.success) throw new KilnError('invalid-request', `invalid ${what}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** A Gaussian stage's settings: the request's values over the preset's, schedules scaled to the stage's length. */
export function resolveGaussianStageSettings(
  preset: Record<string, unknown>,
  request: Record<string, unknown>,
  iterations: number,
): GaussianStageSettings {
  const base = parseRequest(preset, 'preset Gaussian settings');
  const r = parseRequest(request, 'Gaussian stage settings');
  const maxGaussians = r.maxGaussians ?? base.maxGaussians;
  const training = GaussianTrainingSettings.strict().safeParse({ ...scheduledTraining(iterations, maxGaussians), ...base.training, ...r.training });
  if (!training.success) throw new KilnError('invalid-request', `invalid 3DGS training settings: ${formatZodIssues(training.error)}`);
  const initialGaussians = r.initialGaussians ?? base.initialGaussians;
  if (initialGaussians === undefined) throw new Error('a Gaussian stage needs initialGaussians from its preset');
  return { initialGaussians, shDegreeMax: 1, training: training.data };
}
