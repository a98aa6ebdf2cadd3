import { z } from 'zod';
import { MethodName, PresetName, RepresentationName } from './runs';

/** What one preset sets for a method (core/pipeline/run-config.ts presetBudget). */
export const PresetInfo = z.object({
  name: PresetName,
  iterations: z.number().int(),
  batchSize: z.number().int(),
  initialGaussians: z.number().int(),
  maxGaussians: z.number().int(),
  /** Iterations of the DMTet stage this preset runs after the Gaussians when the output is a mesh. */
  meshIterations: z.number().int(),
});
export type PresetInfo = z.infer<typeof PresetInfo>;

/** A distillation method as the generate panel shows it. */
export const MethodInfo = z.object({
  name: MethodName,
  title: z.string(),
  /** One line for the method picker. */
  summary: z.string(),
  /** JSON Schema (zod's toJSONSchema, input side) of the method's settings; defaults are the authors'. */
  settingsSchema: z.record(z.string(), z.unknown()),
  presets: z.array(PresetInfo),
  /** The stages (by representation) in which a photo run's caption feeds the method's text teacher; empty: none. */
  textTeacherIn: z.array(RepresentationName),
});
export type MethodInfo = z.infer<typeof MethodInfo>;

/** An export format as the export dialog shows it (core/export/formats.ts). */
export const ExportFormatInfo = z.object({
  name: z.string(),
  extension: z.string(),
  title: z.string(),
  summary: z.string(),
  /** JSON Schema of the format's options; `{}` is always valid. */
  optionsSchema: z.record(z.string(), z.unknown()),
});
export type ExportFormatInfo = z.infer<typeof ExportFormatInfo>;
