import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import { ensureDemoPack } from '../diffusion/demo/build-demo-pack';
import { checkDemoPrompt } from '../diffusion/demo/prompt-check';
import { describePack } from '../diffusion/model-pack';
import { openPrior, type Prior } from '../diffusion/prior';
import type { SessionSettings } from '../diffusion/session-settings';
import { OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';

/** The built-in demo priors a run's `model` can name, and the demo pack each one builds. */
export const DEMO_MODELS = { demo: 'pixel', 'demo-latent': 'latent' } as const;

export function isDemoModel(model: string): model is keyof typeof DEMO_MODELS {
  return Object.prototype.hasOwnProperty.call(DEMO_MODELS, model);
}

/** The folder of a run's model: a built-in demo pack (built on first use) or a pack folder on disk. */
export function modelPackDir(home: string, model: string): string {
  if (isDemoModel(model)) return ensureDemoPack(home, DEMO_MODELS[model]).dir;
  const dir = resolve(model);
  if (!existsSync(dir)) {
    throw new KilnError('model-pack', `model pack folder ${dir} does not exist; use --model demo or the folder of an ONNX export`);
  }
  return dir;
}

/**
 * Checks, before any run is recorded, that the model can be used: a pack folder must pass the layout checks, and
 * the demo prior must know the prompts' words.
 */
export function checkModelAndPrompts(model: string, prompt: string, negativePrompt: string): void {
  if (!isDemoModel(model)) {
    describePack(resolve(model));
    return;
  }
  checkDemoPrompt(prompt);
  if (negativePrompt.trim()) checkDemoPrompt(negativePrompt, 'negative prompt');
}

/** Opens the prior a run distils from. */
export function openRunPrior(home: string, model: string, threads: number, executionProvider: SessionSettings['executionProvider'] = 'auto'): Promise<Prior> {
  return openPrior(modelPackDir(home, model), { intraOpNumThreads: threads, executionProvider });
}

/**
 * Training cameras matched to the prior: its kiln.json camera distribution, or for packs without one (plain Stable
 * Diffusion exports) the orbit threestudio-style pipelines use for an object in the unit ball.
 */
export function trainingSampler(prior: Prior): OrbitSamplerSettings {
  const cam = prior.camera;
  return OrbitSamplerSettings.parse({
    radiusM: cam ? [cam.radiusM, cam.radiusM] : [2.5, 2.5],
    fovYDeg: cam ? [cam.fovYDeg, cam.fovYDeg] : [40, 40],
    elevationDeg: cam?.elevationRangeDeg ?? [-10, 45],
    azimuthDeg: cam?.azimuthRangeDeg ?? [-180, 180],
    width: prior.imageSize,
    height: prior.imageSize,
  });
}
