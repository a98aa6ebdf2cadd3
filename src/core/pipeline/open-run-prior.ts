import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import { ensureDemoPack } from '../diffusion/demo/build-demo-pack';
import { checkDemoPrompt } from '../diffusion/demo/prompt-check';
import { describePack } from '../diffusion/model-pack';
import { DemoPackParams } from '../diffusion/demo/demo-params';
import { openPrior, type Prior, type PriorKind } from '../diffusion/prior';
import type { SessionSettings } from '../diffusion/session-settings';
import { OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { ResolvedStage } from './run-config';

/** The built-in demo priors a run's `model` can name, and the demo pack each one builds. */
export const DEMO_MODELS = { demo: 'pixel', 'demo-latent': 'latent', 'demo-view': 'view' } as const;

/** The model a request without one runs on: the text demo prior, or for an image run the view-conditioned one. */
export function defaultModel(hasReferenceImage: boolean): keyof typeof DEMO_MODELS {
  return hasReferenceImage ? 'demo-view' : 'demo';
}

/** Training cameras of packs whose kiln.json has none (plain Stable Diffusion exports): threestudio's orbit. */
const DEFAULT_ORBIT = { radiusM: 2.5, fovYDeg: 40 } as const;

/** What a run needs to know about its model before opening it (nothing is built or loaded). */
export interface ModelFacts {
  kind: PriorKind;
  imageSize: number;
  /** Distance and vertical field of view of the cameras it was trained with. */
  radiusM: number;
  fovYDeg: number;
  /**
   * Whether a reference photo is recentred to the border ratio by default (docs/reference-images.md, "Framing"):
   * yes for real view-conditioned packs (the Zero-1-to-3 family was trained on recentred renders); no for the demo
   * view prior, whose training images are framed by its own camera, as the sample photos are.
   */
  recentreReference: boolean;
}

export function modelFacts(model: string): ModelFacts {
  if (isDemoModel(model)) {
    const params = DemoPackParams.parse({ kind: DEMO_MODELS[model] });
    const { radiusM, fovYDeg } = params.camera;
    return { kind: params.kind === 'view' ? 'view-conditioned' : 'text-to-image', imageSize: params.imageSize, radiusM, fovYDeg, recentreReference: false };
  }
  const pack = describePack(resolve(model));
  const camera = pack.manifest.camera ?? DEFAULT_ORBIT;
  return { kind: pack.manifest.kind, imageSize: pack.imageSize, radiusM: camera.radiusM, fovYDeg: camera.fovYDeg, recentreReference: true };
}

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

/** What a run is conditioned on, as the model check needs it. */
export interface RunConditioningInput {
  model: string;
  prompt: string | null;
  negativePrompt: string;
  /** Whether the run has a reference image. */
  image: boolean;
}

/**
 * Checks, before any run is recorded, that the model can be used: a pack folder must pass the layout checks, its
 * kind must match the conditioning (a view-conditioned model takes a reference image, a text-to-image model a
 * prompt), and the text demo prior must know the prompts' words. The prompt of an image run is a caption for
 * methods with a text teacher; a view-conditioned model does not read it.
 */
export function checkModelAndConditioning({ model, prompt, negativePrompt, image }: RunConditioningInput): void {
  const { kind } = modelFacts(model);
  if (image && kind !== 'view-conditioned') {
    throw new KilnError('invalid-request', `${model} is a text-to-image model and cannot be conditioned on an image; leave the model out (the view-conditioned demo prior, demo-view) or give a view-conditioned pack`);
  }
  if (!image && kind === 'view-conditioned') {
    throw new KilnError('invalid-request', `${model} is a view-conditioned (image-to-3D) model: it takes a reference image (kiln generate --image photo.png), not a prompt alone`);
  }
  if (image || !isDemoModel(model)) return;
  checkDemoPrompt(prompt ?? '');
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
  const { radiusM, fovYDeg } = cam ?? DEFAULT_ORBIT;
  return OrbitSamplerSettings.parse({
    radiusM: [radiusM, radiusM],
    fovYDeg: [fovYDeg, fovYDeg],
    elevationDeg: cam?.elevationRangeDeg ?? [-10, 45],
    azimuthDeg: cam?.azimuthRangeDeg ?? [-180, 180],
    width: prior.imageSize,
    height: prior.imageSize,
  });
}

/** The poses a pack declares it was trained on (Kiln's demo packs list theirs), or undefined. */
function priorPoses(prior: Prior): OrbitSamplerSettings['views'] {
  const views = prior.manifest.demo?.views;
  return views && views.length > 0 ? views : undefined;
}

/** One stage's training cameras: the run's sampler, held to the prior's own poses when the stage asks for them. */
export function stageSampler(prior: Prior, sampler: OrbitSamplerSettings, stage: ResolvedStage): OrbitSamplerSettings {
  const views = stage.settings.cameras === 'prior-poses' ? priorPoses(prior) : undefined;
  return views ? { ...sampler, views } : sampler;
}
