import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../../src/shared/errors';
import { describePack } from '../../../src/core/diffusion/model-pack';
import { buildOptimumPack } from '../../helpers/optimum-pack';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-sched-');
afterAll(temp.cleanup);
let dir: string;
beforeAll(() => {
  dir = buildOptimumPack(join(temp.home, 'pack'), { kind: 'sd15' });
});

const SD = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000 };
function withScheduler(config: Record<string, unknown>) {
  writeFileSync(join(dir, 'scheduler', 'scheduler_config.json'), JSON.stringify(config));
  return describePack(dir).schedule;
}

describe('scheduler configs of real packs', () => {
  it('reads PNDM, DDIM, Euler and LCM configs, ignoring the fields Kiln does not need', () => {
    const pndm = withScheduler({ _class_name: 'PNDMScheduler', ...SD, skip_prk_steps: true, steps_offset: 1 });
    expect(pndm.config).toMatchObject({ timestep_spacing: 'leading', set_alpha_to_one: false, prediction_type: 'epsilon' });
    expect(pndm.timesteps(4)).toEqual([751, 501, 251, 1]);
    const ddim = withScheduler({ _class_name: 'DDIMScheduler', ...SD, clip_sample: false, set_alpha_to_one: false, steps_offset: 1, prediction_type: 'v_prediction', rescale_betas_zero_snr: false });
    expect(ddim.config.prediction_type).toBe('v_prediction');
    // Euler's class default spacing is linspace (older SD configs omit timestep_spacing).
    const euler = withScheduler({ _class_name: 'EulerDiscreteScheduler', ...SD, interpolation_type: 'linear', use_karras_sigmas: false });
    expect(euler.config.timestep_spacing).toBe('linspace');
    expect(euler.timesteps(3)).toEqual([999, 500, 0]);
    const lcm = withScheduler({ _class_name: 'LCMScheduler', ...SD, original_inference_steps: 50, timestep_scaling: 10, timestep_spacing: 'leading', steps_offset: 1 });
    expect(lcm.alphaBar(999)).toBeCloseTo(pndm.alphaBar(999), 12);
  });

  it.each([
    [{ _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear' }, /lacks beta_start \(Kiln derives/],
    [{ _class_name: 'DDIMScheduler', beta_start: 0.00085 }, /lacks beta_end, beta_schedule/],
    [{ ...SD, trained_betas: [0.1, 0.2] }, /sets trained_betas/],
    [{ ...SD, prediction_type: 'sample' }, /has an invalid prediction_type \("sample"\)/],
    [{ ...SD, timestep_spacing: 'karras' }, /has an invalid timestep_spacing \("karras"\)/],
  ])('%j is refused, naming the field', (config, message) => {
    try {
      withScheduler(config);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(KilnError);
      expect((err as KilnError).message).toMatch(message);
      expect((err as KilnError).message).toContain('scheduler_config.json');
    }
  });
});
