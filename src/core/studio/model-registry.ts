import { basename, isAbsolute, resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import type { ModelInfo } from '../../shared/models';
import { DemoPackParams } from '../diffusion/demo/demo-params';
import { describePack } from '../diffusion/model-pack';
import { DEMO_MODELS, isDemoModel } from '../pipeline/open-run-prior';
import type { Database } from 'better-sqlite3';
import { ModelRepository } from '../store/model-repository';

const DEMO_NAMES: Record<keyof typeof DEMO_MODELS, string> = {
  demo: 'Demo prior (pixel space, built in)',
  'demo-latent': 'Demo prior (latent space, built in)',
  'demo-view': 'Demo prior (view-conditioned, image to 3D, built in)',
};

function builtInModels(): ModelInfo[] {
  return (Object.keys(DEMO_MODELS) as (keyof typeof DEMO_MODELS)[]).map((id) => ({
    id,
    name: DEMO_NAMES[id],
    kind: DEMO_MODELS[id] === 'view' ? 'view-conditioned' : 'text-to-image',
    builtIn: true,
    path: null,
    imageSize: DemoPackParams.parse({ kind: DEMO_MODELS[id] }).imageSize,
    ok: true,
    error: null,
  }));
}

function describeRegistered(path: string, name: string): ModelInfo {
  const base = { id: path, name, builtIn: false, path };
  try {
    const pack = describePack(path);
    return { ...base, kind: pack.manifest.kind, imageSize: pack.imageSize, ok: true, error: null };
  } catch (err) {
    if (!(err instanceof KilnError)) throw err;
    return { ...base, kind: 'unknown', imageSize: null, ok: false, error: err.message };
  }
}

/**
 * The models the studio offers: the built-in demo priors, then the pack folders the artist added. A registered pack
 * is re-validated on every listing, so a folder that was moved or damaged shows its problem instead of failing a run.
 * A pack's id is its absolute folder, which is what a run request's `model` takes (as `kiln generate --model DIR`).
 */
export class ModelRegistry {
  private readonly repository: ModelRepository;

  constructor(db: Database) {
    this.repository = new ModelRepository(db);
  }

  list(): ModelInfo[] {
    return [...builtInModels(), ...this.repository.list().map((m) => describeRegistered(m.path, m.name))];
  }

  /** Validates the folder (a 'model-pack' error names the file and the problem) and registers it. */
  add(path: string): ModelInfo {
    if (!isAbsolute(path)) throw new KilnError('invalid-request', `"${path}" is not an absolute folder path; choose the model pack folder`);
    const dir = resolve(path);
    describePack(dir);
    const record = this.repository.add(dir, basename(dir));
    return describeRegistered(record.path, record.name);
  }

  /** Whether a run may name this id as its model without naming a new folder: a built-in prior or a registered pack. */
  isKnown(id: string): boolean {
    return isDemoModel(id) || this.repository.get(id) !== undefined;
  }

  remove(id: string): { id: string } {
    if (isDemoModel(id)) throw new KilnError('invalid-request', `"${id}" is built in and cannot be removed`);
    if (!this.repository.remove(id)) throw new KilnError('not-found', `no registered model pack ${id}; it may have been removed already`);
    return { id };
  }
}
