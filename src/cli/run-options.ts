import { KilnError } from '../shared/errors';
import { ProjectName, type Project } from '../shared/projects';
import { REFERENCE_IMAGE_MAX_BYTES, RUN_NAME_MAX } from '../shared/runs';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { describeIssues } from '../shared/validate';
import type { KilnStore } from '../core/store/kiln-store';

/** Options shared by `kiln generate` (the request) and `kiln branch` (overrides of the parent's request). */
export const RUN_OPTIONS = {
  prompt: { type: 'string' },
  negative: { type: 'string' },
  method: { type: 'string' },
  preset: { type: 'string' },
  model: { type: 'string' },
  'text-model': { type: 'string' },
  iters: { type: 'string' },
  res: { type: 'string' },
  seed: { type: 'string' },
  batch: { type: 'string' },
  gaussians: { type: 'string' },
  'max-gaussians': { type: 'string' },
  'snapshot-every': { type: 'string' },
  'method-settings': { type: 'string' },
  training: { type: 'string' },
  stages: { type: 'string' },
  threads: { type: 'string' },
  image: { type: 'string' },
  elevation: { type: 'string' },
  fov: { type: 'string' },
  'reference-settings': { type: 'string' },
} as const;

export const RUN_OPTIONS_USAGE = `[--prompt TEXT] [--negative TEXT] [--method vdm|sds|ism|tsm|sdi|ge3d] [--preset fast|balanced|quality]
              [--model demo|demo-latent|PATH] [--iters N] [--res N] [--seed N] [--batch N] [--gaussians N]
              [--max-gaussians N] [--snapshot-every N] [--method-settings JSON] [--training JSON] [--threads N]
              [--stages JSON] (the run's stages in order, e.g. '[{"representation":"gaussians","iterations":400}]')
              [--image FILE.png|.jpg|.webp [--elevation DEG] [--fov DEG] [--reference-settings JSON]]
              (a run from a photo: see docs/reference-images.md; --prompt is then an optional caption)
              [--text-model demo|demo-latent|PATH] (a photo run's text teacher, which reads the caption: DTC123's
              mesh stage; demo by default when the run has a caption and such a stage)`;

/** A whole number written in decimal: "0x10", "1e3", "16.0" and " 16" are refused, not read as 16 or 1000. */
export function wholeNumberOption(values: Record<string, unknown>, key: string): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(String(raw)) || !Number.isSafeInteger(n)) throw new KilnError('invalid-request', `--${key} must be a whole number, not "${String(raw)}"`);
  return n;
}

export function jsonObjectOption(values: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the message below
  }
  throw new KilnError('invalid-request', `--${key} must be a JSON object, e.g. --${key} '{"cfgScale": 7.5}'`);
}

function jsonArrayOption(values: Record<string, unknown>, key: string): unknown[] | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the message below
  }
  throw new KilnError('invalid-request', `--${key} must be a JSON array, e.g. --${key} '[{"representation": "gaussians"}]'`);
}

function numberOption(values: Record<string, unknown>, key: string): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n)) throw new KilnError('invalid-request', `--${key} must be a number of degrees, not "${String(raw)}"`);
  return n;
}

/**
 * --image and its options as the request's referenceImage: the file's bytes (base64, as the StudioApi carries them)
 * and its name; the file must be readable and within the size limit.
 */
function referenceImageOption(values: Record<string, unknown>): Record<string, unknown> | undefined {
  const path = values.image as string | undefined;
  const extras = { elevationDeg: numberOption(values, 'elevation'), fovYDeg: numberOption(values, 'fov'), settings: jsonObjectOption(values, 'reference-settings') };
  if (path === undefined) {
    const given = Object.entries({ elevation: extras.elevationDeg, fov: extras.fovYDeg, 'reference-settings': extras.settings }).find(([, v]) => v !== undefined);
    if (given) throw new KilnError('invalid-request', `--${given[0]} describes a reference image; give one with --image FILE`);
    return undefined;
  }
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new KilnError('invalid-request', `--image ${path} is not a file; give a PNG, JPEG or WebP image`);
    size = stats.size;
  } catch (err) {
    if (err instanceof KilnError) throw err;
    throw new KilnError('invalid-request', `cannot read --image ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
  }
  if (size > REFERENCE_IMAGE_MAX_BYTES) throw new KilnError('invalid-image', `${basename(path)} is ${(size / 1024 / 1024).toFixed(1)} MiB; a reference image may be at most ${REFERENCE_IMAGE_MAX_BYTES / 1024 / 1024} MiB (save a smaller copy)`);
  const reference: Record<string, unknown> = { data: readFileSync(path).toString('base64'), name: basename(path), ...extras };
  return Object.fromEntries(Object.entries(reference).filter(([, v]) => v !== undefined));
}

/** The fields the options set (only those given), in the shape of the shared RunRequest. */
export function runFieldsFromOptions(values: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    referenceImage: referenceImageOption(values),
    prompt: values.prompt,
    negativePrompt: values.negative,
    method: values.method,
    preset: values.preset,
    model: values.model,
    textModel: values['text-model'],
    iterations: wholeNumberOption(values, 'iters'),
    resolution: wholeNumberOption(values, 'res'),
    seed: wholeNumberOption(values, 'seed'),
    batchSize: wholeNumberOption(values, 'batch'),
    initialGaussians: wholeNumberOption(values, 'gaussians'),
    maxGaussians: wholeNumberOption(values, 'max-gaussians'),
    snapshotEvery: wholeNumberOption(values, 'snapshot-every'),
    methodSettings: jsonObjectOption(values, 'method-settings'),
    training: jsonObjectOption(values, 'training'),
    stages: jsonArrayOption(values, 'stages'),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const MAX_THREADS = 1024;

/** CPU threads for the engine: --threads, or every core. */
export function threadsOption(values: Record<string, unknown>, fallback: number): number {
  const n = wholeNumberOption(values, 'threads') ?? fallback;
  if (n < 1 || n > MAX_THREADS) throw new KilnError('invalid-request', `--threads must be from 1 to ${MAX_THREADS}, not ${n}`);
  return n;
}

/** A project name as the StudioApi accepts it (the same limits as "kiln projects create"). */
export function validProjectName(raw: unknown): string {
  const parsed = ProjectName.safeParse(raw);
  if (!parsed.success) throw new KilnError('invalid-request', describeIssues(parsed.error));
  return parsed.data;
}

/** --name for a run, held to the StudioApi's limit. */
export function runNameOption(values: Record<string, unknown>): string | undefined {
  const name = values.name as string | undefined;
  if (name !== undefined && name.length > RUN_NAME_MAX) throw new KilnError('invalid-request', `--name must be at most ${RUN_NAME_MAX} characters`);
  return name;
}

export const DEFAULT_PROJECT = 'Default';

/** The named project, created on first use (so `kiln generate` works on a fresh machine without set-up). */
export function projectNamed(store: KilnStore, name: string = DEFAULT_PROJECT): Project {
  return store.projects.findByName(name) ?? store.projects.create(name);
}
