import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, PRESET_NAMES } from '../../../src/shared/runs';
import { listExportFormats, listMethods } from '../../../src/core/studio/catalog';
import { methodByName } from '../../../src/core/distill/registry';
import { resolveRunConfig } from '../../../src/core/pipeline/run-config';
import { GaussianStageSettings } from '../../../src/core/scene/gaussians/gaussian-stage-settings';
import { studioMethods } from '../../../src/shared/studio-api';

describe('methods.list', () => {
  const methods = listMethods();

  it('lists every method of the run contract with a title and a one-line summary', () => {
    expect(methods.map((m) => m.name).sort()).toEqual([...METHOD_NAMES].sort());
    for (const m of methods) {
      expect(m.title.length).toBeGreaterThan(0);
      expect(m.summary).not.toContain('\n');
    }
    expect(() => studioMethods['methods.list'].response.parse(methods)).not.toThrow();
  });

  it("gives each method's settings as a JSON Schema whose defaults are the schema's own", () => {
    for (const m of methods) {
      const schema = m.settingsSchema as { type?: string; properties?: Record<string, { default?: unknown }> };
      expect(schema.type).toBe('object');
      const defaults = Object.fromEntries(
        Object.entries(schema.properties ?? {}).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]),
      );
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      // A form filled with the advertised defaults resolves to the same settings as an empty one.
      const settings = methodByName(m.name).settings;
      expect(settings.parse(defaults)).toEqual(settings.parse({}));
      expect(Object.keys(defaults).length).toBeGreaterThan(0);
    }
  });

  it("states each preset's budget as the run config resolves it", () => {
    for (const m of methods) {
      expect(m.presets.map((p) => p.name)).toEqual([...PRESET_NAMES]);
      for (const p of m.presets) {
        // The budget is the Gaussian stage's; DTC123 runs its DMTet stage after it.
        const [stage, ...more] = resolveRunConfig({ prompt: 'a red cube', method: m.name, preset: p.name }).stages;
        expect(more.map((s) => s.representation)).toEqual(m.name === 'dtc' ? ['dmtet'] : []);
        expect(stage!.iterations).toBe(p.iterations);
        expect(stage!.batchSize).toBe(p.batchSize);
        const settings = GaussianStageSettings.parse(stage!.settings);
        expect(settings.initialGaussians).toBe(p.initialGaussians);
        expect(settings.training.maxGaussians).toBe(p.maxGaussians);
      }
    }
  });
});

describe('exports.formats', () => {
  it('lists the registered formats with option schemas that accept {}', () => {
    const formats = listExportFormats();
    expect(formats.map((f) => f.name)).toEqual(expect.arrayContaining(['ply', 'spz']));
    for (const f of formats) expect(f.optionsSchema.type).toBe('object');
    expect(() => studioMethods['exports.formats'].response.parse(formats)).not.toThrow();
  });
});
