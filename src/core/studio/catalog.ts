import { z } from 'zod';
import type { ExportFormatInfo, MethodInfo } from '../../shared/catalog';
import { MethodName, PRESET_NAMES } from '../../shared/runs';
import { METHODS } from '../distill/registry';
import { EXPORT_FORMATS } from '../export/formats';
import { presetBudget, presetStageOf } from '../pipeline/presets';

/** A settings schema as JSON Schema for forms: the input side (defaults, optional fields), nothing unrepresentable. */
function formSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Every registered method with its settings schema and what each preset sets for it. */
export function listMethods(): MethodInfo[] {
  return METHODS.map((m) => {
    const name = MethodName.parse(m.name);
    return {
      name,
      title: m.title,
      summary: m.summary,
      settingsSchema: formSchema(m.settings),
      presets: PRESET_NAMES.map((preset) => ({ name: preset, ...presetBudget(name, preset), meshIterations: presetStageOf(name, preset, 'dmtet').iterations })),
      textTeacherIn: [...(m.textTeacherIn ?? [])],
    };
  });
}

export function listExportFormats(): ExportFormatInfo[] {
  return EXPORT_FORMATS.map((f) => ({ name: f.name, extension: f.extension, title: f.title, summary: f.summary, optionsSchema: formSchema(f.options) }));
}
