import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../../src/core/distill/registry';
import { EXPORT_FORMATS } from '../../../src/core/export/formats';
import { presetStageOf } from '../../../src/core/pipeline/presets';
import { branchConfig, resolveRunConfig } from '../../../src/core/pipeline/run-config';
import { listMethods } from '../../../src/core/studio/catalog';
import type { MethodInfo } from '../../../src/shared/catalog';
import {
  branchOverridesFromDraft,
  captionFeedsTextTeacher,
  draftFromRequest,
  initialDraft,
  runRequestFromDraft,
  withMethod,
} from '../../../src/renderer/src/components/generate/generate-draft';
import {
  changedSettings,
  defaultSettings,
  fieldKind,
  humanise,
  numberProblem,
  setAtPath,
  settingsWith,
  type JsonSchema,
} from '../../../src/renderer/src/components/generate/json-schema-values';

/** The JSON Schema the studio receives for a zod schema (what methods.list and exports.formats send). */
function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
}

/** What the catalog sends for each registered method (presets do not matter here). */
const METHOD_INFOS: MethodInfo[] = METHODS.map((m) => ({
  name: m.name as MethodInfo['name'],
  title: m.title,
  summary: m.summary,
  settingsSchema: jsonSchema(m.settings) as Record<string, unknown>,
  presets: [],
  textTeacherIn: [...(m.textTeacherIn ?? [])],
}));

describe('settings forms from JSON Schema', () => {
  it.each(METHODS.map((m) => [m.name, m] as const))('the %s form starts at exactly what zod fills in for {}', (_, method) => {
    expect(defaultSettings(jsonSchema(method.settings))).toEqual(method.settings.parse({}));
  });

  it.each(EXPORT_FORMATS.map((f) => [f.name, f] as const))('the %s export options start at their zod defaults', (_, format) => {
    expect(defaultSettings(jsonSchema(format.options))).toEqual(format.options.parse({}));
  });

  it('keeps a parent default that differs from its properties’ own defaults (ISM timesteps)', () => {
    const ism = METHODS.find((m) => m.name === 'ism')!;
    const defaults = defaultSettings(jsonSchema(ism.settings));
    expect((defaults.timesteps as { tRange: number[] }).tRange).toEqual([0.02, 0.5]);
  });

  it('sends a changed nested setting as its whole top-level value, which zod reads back unchanged', () => {
    const ism = METHODS.find((m) => m.name === 'ism')!;
    const schema = jsonSchema(ism.settings);
    const edited = setAtPath(defaultSettings(schema), ['timesteps', 'warmupIterations'], 10) as Record<string, unknown>;
    const sent = changedSettings(schema, edited);
    expect(Object.keys(sent)).toEqual(['timesteps']);
    // Sending only { warmupIterations } would silently reset tRange to [0.02, 0.98]; the whole value keeps it.
    expect(ism.settings.parse(sent)).toEqual(edited);
  });

  it('classifies every control the method and export schemas use', () => {
    const sds = jsonSchema(METHODS.find((m) => m.name === 'sds')!.settings);
    const props = sds.properties!;
    expect(fieldKind(props.cfgScale!).kind).toBe('number');
    expect(fieldKind(props.weight!)).toEqual({ kind: 'choice', options: ['one-minus-alpha-bar', 'sigma-ratio', 'uniform'] });
    expect(fieldKind(props.timesteps!).kind).toBe('object');
    expect(fieldKind(props.timesteps!.properties!.tRange!).kind).toBe('tuple');
    expect(fieldKind(props.timesteps!.properties!.warmupFrom!)).toEqual({ kind: 'number', integer: false, nullable: true, min: 0, max: 1 });
    expect(fieldKind(props.viewPrompts!.properties!.perpNeg!).kind).toBe('boolean');
    expect(fieldKind(props.viewPrompts!.properties!.suffixes!.properties!.front!).kind).toBe('text');
    const spz = jsonSchema(EXPORT_FORMATS.find((f) => f.name === 'spz')!.options);
    expect(fieldKind(spz.properties!.version!)).toEqual({ kind: 'choice', options: [3, 4] });
  });

  it('names the problems zod would reject, and accepts what zod accepts', () => {
    const sog = EXPORT_FORMATS.find((f) => f.name === 'sog')!.options;
    const schema = jsonSchema(sog).properties!.iterations!;
    const kind = fieldKind(schema);
    if (kind.kind !== 'number') throw new Error('iterations should be a number field');
    for (const value of [0, 1, 10, 100, 101, 2.5, null]) {
      const problem = numberProblem(kind, schema, value);
      expect(problem === null, `value ${value}: ${problem}`).toBe(sog.safeParse(value === null ? { iterations: null } : { iterations: value }).success);
    }
  });

  it('lays stored settings over the defaults and drops keys the method does not have', () => {
    const schema = jsonSchema(METHODS.find((m) => m.name === 'sds')!.settings);
    const values = settingsWith(schema, { cfgScale: 50, gamma: 0.3 });
    expect(values.cfgScale).toBe(50);
    expect(values).not.toHaveProperty('gamma');
    expect(changedSettings(schema, values)).toEqual({ cfgScale: 50 });
  });

  it('humanises setting names', () => {
    expect(humanise('cfgScale')).toBe('Cfg scale');
    expect(humanise('fovYDeg')).toBe('Fov y deg');
    expect(humanise('tRange')).toBe('T range');
  });
});

describe('the generate panel’s requests', () => {
  it('starts a run the engine resolves to exactly the settings the panel shows', () => {
    let draft = withMethod({ ...initialDraft(), prompt: 'a red cube', seed: 7, iterations: 40 }, METHOD_INFOS, 'tsm');
    draft = { ...draft, methodSettings: setAtPath(draft.methodSettings, ['pixelClip', 'threshold'], 0.1) as Record<string, unknown> };
    const request = runRequestFromDraft(draft, METHOD_INFOS);
    expect(request.methodSettings).toEqual({ pixelClip: { enabled: true, threshold: 0.1 } });
    const config = resolveRunConfig(request);
    const [stage] = config.stages;
    expect(stage!.methodSettings).toEqual(draft.methodSettings);
    expect(stage!.iterations).toBe(40);
    expect(config.seed).toBe(7);
    expect(stage!.method).toBe('tsm');
  });

  it("sends a photo run's text model only where the caption feeds a text teacher (DTC123's), as the panel shows it", () => {
    const referenceImage = { data: 'AAAA', name: 'mug.png', elevationDeg: 20, settings: { foregroundThreshold: 0.1, borderRatio: 0.2, recentre: false } };
    const photo = withMethod({ ...initialDraft(), model: 'demo-view', referenceImage, prompt: 'a mug', textModel: 'demo-latent' }, METHOD_INFOS, 'dtc');
    expect(captionFeedsTextTeacher(photo, METHOD_INFOS, true)).toBe(true);
    const request = runRequestFromDraft(photo, METHOD_INFOS);
    expect(request.textModel).toBe('demo-latent');
    // The engine resolves it as sent (the photo stored first), and to its default when none is chosen.
    const stored = { ...request, referenceImage: { ...referenceImage, data: undefined, blob: 'b'.repeat(64) } };
    expect(resolveRunConfig(stored).textModel).toBe('demo-latent');
    expect(resolveRunConfig({ ...stored, textModel: undefined }).textModel).toBe('demo');
    expect(runRequestFromDraft({ ...photo, textModel: null }, METHOD_INFOS).textModel).toBeUndefined();
    // No caption, a method without a text teacher, or no photo: no text model, whatever the draft held.
    for (const draft of [{ ...photo, prompt: ' ' }, withMethod(photo, METHOD_INFOS, 'sds'), { ...photo, referenceImage: null, model: 'demo' }]) {
      expect(captionFeedsTextTeacher(draft, METHOD_INFOS, draft.referenceImage !== null)).toBe(false);
      expect(runRequestFromDraft(draft, METHOD_INFOS).textModel).toBeUndefined();
    }
    // A branch of a photo run (the panel holds no new photo) sends it too, and prefills it from the parent's request.
    expect(branchOverridesFromDraft({ ...photo, referenceImage: null }, METHOD_INFOS, 'splats', true).textModel).toBe('demo-latent');
    expect(draftFromRequest(request, METHOD_INFOS).textModel).toBe('demo-latent');
  });

  it('leaves iterations to the preset when the field is empty', () => {
    const draft = withMethod({ ...initialDraft(), prompt: 'a mug', preset: 'fast' }, METHOD_INFOS, 'sds');
    expect(resolveRunConfig(runRequestFromDraft(draft, METHOD_INFOS)).stages[0]!.iterations).toBe(300);
  });

  it('prefills a branch from the parent’s request and branches with what the panel shows', () => {
    const parent = resolveRunConfig({ prompt: 'a blue cube', method: 'ism', seed: 3, methodSettings: { cfgScale: 5, noiseOffset: 0.2 } });
    const draft = draftFromRequest(parent.request, METHOD_INFOS);
    expect(draft.prompt).toBe('a blue cube');
    expect(draft.methodSettings).toEqual(parent.stages[0]!.methodSettings);

    // Reset one of the parent's changes to its default: the branch must not inherit the parent's value.
    const edited = { ...draft, seed: 9, methodSettings: { ...draft.methodSettings, noiseOffset: 0.1 } };
    const branch = branchConfig(parent, branchOverridesFromDraft(edited, METHOD_INFOS));
    expect(branch.stages[0]!.methodSettings).toEqual(edited.methodSettings);
    expect(branch.seed).toBe(9);
  });

  it('branches into another method with that method’s settings', () => {
    const parent = resolveRunConfig({ prompt: 'a snowman', method: 'sds', methodSettings: { cfgScale: 50 } });
    const draft = withMethod(draftFromRequest(parent.request, METHOD_INFOS), METHOD_INFOS, 'vdm');
    const branch = branchConfig(parent, branchOverridesFromDraft(draft, METHOD_INFOS));
    expect(branch.stages[0]!.method).toBe('vdm');
    expect(branch.stages[0]!.methodSettings).toEqual(METHODS.find((m) => m.name === 'vdm')!.settings.parse({}));
  });

  it('an image run: the photo goes into the request, an empty caption stays out; its branch keeps photo and model', () => {
    const photo = { data: 'AAAA', name: 'mug.png', elevationDeg: 20, settings: { foregroundThreshold: 0.2, borderRatio: 0.2, recentre: false } };
    const draft = { ...withMethod(initialDraft(), METHOD_INFOS, 'sds'), model: 'demo-view', referenceImage: photo };
    const request = runRequestFromDraft(draft, METHOD_INFOS);
    expect(request.prompt).toBeUndefined();
    expect(request.referenceImage).toEqual(photo);
    expect(runRequestFromDraft({ ...draft, prompt: 'a mug' }, METHOD_INFOS).prompt).toBe('a mug');
    // The parent's stored request names its photo by blob and no model (the default for a photo).
    const parent = resolveRunConfig({ referenceImage: { blob: 'a'.repeat(64), name: 'mug.png' }, method: 'sds' });
    const branchDraft = draftFromRequest(parent.request, METHOD_INFOS);
    expect([branchDraft.model, branchDraft.prompt, branchDraft.referenceImage]).toEqual(['demo-view', '', null]);
    const branch = branchConfig(parent, branchOverridesFromDraft({ ...branchDraft, seed: 5 }, METHOD_INFOS));
    expect([branch.model, branch.prompt, branch.reference?.blob, branch.seed]).toEqual(['demo-view', null, 'a'.repeat(64), 5]);
  });
});

describe('the generate panel’s output: splats, or a mesh (Gaussians → DMTet)', () => {
  /** The catalog as methods.list sends it, presets included (their mesh stage's length too). */
  const CATALOG = listMethods();
  const stagesOf = (config: ReturnType<typeof resolveRunConfig>) => config.stages.map((s) => [s.representation, s.iterations]);
  /** The fast preset's mesh stage length (what the panel's Mesh output gets when the draft names none). */
  const FAST_MESH = presetStageOf('vdm', 'fast', 'dmtet').iterations;

  it('asks for both stages by default (a mesh, as `generate --out X.glb` does) and for one Gaussian stage for splats', () => {
    const mesh = { ...initialDraft(), prompt: 'a mug', preset: 'fast' as const };
    expect(mesh.output).toBe('mesh');
    expect(stagesOf(resolveRunConfig(runRequestFromDraft(mesh, CATALOG)))).toEqual([['gaussians', 300], ['dmtet', FAST_MESH]]);
    expect(stagesOf(resolveRunConfig(runRequestFromDraft({ ...mesh, iterations: 40 }, CATALOG)))).toEqual([['gaussians', 40], ['dmtet', FAST_MESH]]);
    const splats = { ...mesh, output: 'splats' as const };
    expect(stagesOf(resolveRunConfig(runRequestFromDraft(splats, CATALOG)))).toEqual([['gaussians', 300]]);
    expect(stagesOf(resolveRunConfig(runRequestFromDraft({ ...splats, iterations: 40 }, CATALOG)))).toEqual([['gaussians', 40]]);
  });

  it('sizes the mesh stage from its own field, for a start and for a branch from splats, and reads it back', () => {
    const draft = { ...initialDraft(), prompt: 'a mug', preset: 'fast' as const, iterations: 20, meshIterations: 60 };
    const request = runRequestFromDraft(draft, CATALOG);
    expect(stagesOf(resolveRunConfig(request))).toEqual([['gaussians', 20], ['dmtet', 60]]);
    expect(draftFromRequest(request, CATALOG)).toMatchObject({ output: 'mesh', iterations: 20, meshIterations: 60 });
    const parent = resolveRunConfig({ prompt: 'a mug', preset: 'fast', iterations: 40 });
    const branch = { ...draftFromRequest(parent.request, CATALOG), output: 'mesh' as const, meshIterations: 9 };
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft(branch, CATALOG, 'splats'), 0))).toEqual([['gaussians', 40], ['dmtet', 9]]);
  });

  it('runs splats alone when the output says so, even for DTC123, whose preset adds a mesh stage', () => {
    const dtc = withMethod({ ...initialDraft(), prompt: 'a mug', preset: 'fast', output: 'splats' }, CATALOG, 'dtc');
    expect(resolveRunConfig({ prompt: 'a mug', method: 'dtc', preset: 'fast' }).stages.map((s) => s.representation)).toEqual(['gaussians', 'dmtet']);
    expect(resolveRunConfig(runRequestFromDraft(dtc, CATALOG)).stages.map((s) => s.representation)).toEqual(['gaussians']);
  });

  it('reads a two-stage request back as a mesh output, the iterations field holding the Gaussian stage’s', () => {
    const request = runRequestFromDraft({ ...initialDraft(), prompt: 'a mug', output: 'mesh', iterations: 40 }, CATALOG);
    const draft = draftFromRequest(request, CATALOG);
    expect([draft.output, draft.iterations]).toEqual(['mesh', 40]);
    expect(draftFromRequest({ prompt: 'a mug', iterations: 12 }, CATALOG).output).toBe('splats');
  });

  it('branches from splats into a mesh: the parent’s run-wide iterations size only the Gaussians', () => {
    const parent = resolveRunConfig({ prompt: 'a mug', preset: 'fast', iterations: 40 });
    const draft = { ...draftFromRequest(parent.request, CATALOG), output: 'mesh' as const };
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft(draft, CATALOG, 'splats'), 0))).toEqual([['gaussians', 40], ['dmtet', FAST_MESH]]);
  });

  it('branches from a two-stage run’s splats into splats only, and from its mesh into the mesh stage alone', () => {
    const parent = resolveRunConfig(runRequestFromDraft({ ...initialDraft(), prompt: 'a mug', preset: 'fast', output: 'mesh', iterations: 40 }, CATALOG));
    const fromParent = draftFromRequest(parent.request, CATALOG);
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft({ ...fromParent, output: 'splats' }, CATALOG, 'splats'), 0))).toEqual([['gaussians', 40]]);
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft(fromParent, CATALOG, 'splats'), 0))).toEqual([['gaussians', 40], ['dmtet', FAST_MESH]]);
    // What the panel does for a mesh snapshot: the output fixed, the iterations field back to the mesh stage's preset.
    const fromMesh = { ...fromParent, iterations: null };
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft(fromMesh, CATALOG, 'mesh'), 1))).toEqual([['dmtet', FAST_MESH]]);
    expect(stagesOf(branchConfig(parent, branchOverridesFromDraft({ ...fromMesh, iterations: 7 }, CATALOG, 'mesh'), 1))).toEqual([['dmtet', 7]]);
  });
});
