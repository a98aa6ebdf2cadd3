import { KilnError } from '../../shared/errors';
import type { RunProgress } from '../../shared/runs';
import { SHADING } from '../diffusion/demo/raycast';
import type { Prior } from '../diffusion/prior';
import type { GuidanceMethod, GuidanceResult } from '../distill/guidance';
import { methodByName } from '../distill/registry';
import { runDistillation } from '../distill/run-loop';
import { GaussianRasterizer } from '../render/gaussian-rasterizer';
import { Rng } from '../random/rng';
import type { OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import { decodeCompactGaussians, encodeCompactGaussians } from '../scene/gaussians/compact-gaussians';
import { GaussianModel, SCENE_EXTENT_M } from '../scene/gaussians/gaussian-model';
import { initialiseRunBall } from '../scene/gaussians/initialise';
import type { BlobStore } from '../store/blob-store';
import type { RunRecord, RunRepository, SnapshotRecord } from '../store/run-repository';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { checkModelAndPrompts, openRunPrior, trainingSampler } from './open-run-prior';
import { isSnapshotIteration, ResolvedRunConfig } from './run-config';
import { renderThumbnail } from './thumbnail';
import { chwToRgbBytes, encodePngRgb } from '../image/png';

export interface RunEnvironment {
  home: string;
  runs: RunRepository;
  blobs: BlobStore;
  /** CPU threads for the rasterizer and ONNX Runtime (results do not depend on it). */
  threads: number;
}

export type StopRequest = 'cancel' | 'pause' | null;

export interface RunHooks {
  onProgress?(progress: RunProgress): void;
  onSnapshot?(snapshot: SnapshotRecord): void;
  /** Asked after every iteration; a stop writes a snapshot first, so the run can resume from exactly there. */
  stopRequested?(): StopRequest;
  /** Minimum time between progress reports (the last iteration always reports). */
  progressIntervalMs?: number;
  /** The live Gaussians between snapshots (a compact payload), at most once per `liveIntervalMs`. */
  onLiveSplats?(live: { iteration: number; gaussians: number; payload: Uint8Array }): void;
  /**
   * Minimum time between live splats and between x̂₀ previews in progress reports (PNG data URLs). Without it
   * neither is produced: encoding them costs time the command line has no use for.
   */
  liveIntervalMs?: number;
}

/** The only stage today; the DMTet refinement stage will follow it. */
const STAGE = '3dgs';

/** Splat colour behind the object: the demo prior's studio grey, or white for real packs (as threestudio uses). */
export function priorBackground(prior: Prior): [number, number, number] {
  return prior.manifest.demo ? [...SHADING.background] : [1, 1, 1];
}

interface Session {
  run: RunRecord;
  config: ResolvedRunConfig;
  prior: Prior;
  model: GaussianModel;
  method: GuidanceMethod;
  loopRng: Rng;
  raster: GaussianRasterizer;
  sampler: OrbitSamplerSettings;
  background: [number, number, number];
  startIteration: number;
  /** Optimisation time before this session (restored from the checkpoint). */
  priorElapsedMs: number;
}

/**
 * Runs (or resumes) a run to its end, a cancel or a pause: samples views, applies the method's guidance, steps the
 * Gaussians, and commits snapshots on the schedule — each one's blobs on disk before its row. The RNG streams are
 * forked in a fixed order from the seed, so a run is a pure function of its config (and resuming at a snapshot
 * reproduces the uninterrupted run bit for bit).
 */
export async function executeRun(env: RunEnvironment, runId: string, hooks: RunHooks = {}): Promise<RunRecord> {
  env.runs.setStatus(runId, 'running', { pid: process.pid });
  let session: Session | undefined;
  try {
    session = await openSession(env, runId);
    const outcome = await optimise(env, session, hooks);
    return env.runs.setStatus(runId, outcome);
  } catch (err) {
    try {
      env.runs.setStatus(runId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    } catch (secondary) {
      // A full disk can refuse this write too; the run then shows as interrupted, and the first error is the story.
      if (err instanceof Error) err.message += ` (the run could not be marked failed: ${(secondary as Error).message})`;
    }
    throw err;
  } finally {
    await session?.prior.close();
  }
}

async function openSession(env: RunEnvironment, runId: string): Promise<Session> {
  const run = env.runs.getRun(runId);
  const config = ResolvedRunConfig.parse(run.config);
  checkModelAndPrompts(config.model, config.prompt, config.negativePrompt);
  const prior = await openRunPrior(env.home, config.model, env.threads);
  try {
    const rng = new Rng(config.seed);
    const definition = methodByName(config.method);
    const method = definition.create({
      prior,
      conditioning: await prior.encodeText(config.prompt, config.negativePrompt),
      settings: definition.settings.parse(config.methodSettings),
      rng: rng.fork(),
      prompt: config.prompt,
      negativePrompt: config.negativePrompt,
    });
    const initRng = rng.fork();
    const modelRng = rng.fork();
    const loopRng = rng.fork();
    const latest = env.runs.latestSnapshot(runId);
    let startIteration = 0;
    let priorElapsedMs = 0;
    let model: GaussianModel;
    if (latest?.checkpointBlob) {
      const checkpoint = decodeCheckpoint(env.blobs.read(latest.checkpointBlob));
      model = new GaussianModel(checkpoint.model.params, config.training, SCENE_EXTENT_M, modelRng);
      model.importState(checkpoint.model);
      method.loadState?.(checkpoint.methodState);
      loopRng.setState(checkpoint.loopRng);
      startIteration = checkpoint.iteration;
      priorElapsedMs = checkpoint.elapsedMs;
    } else {
      model = new GaussianModel(initialParams(env, run, config, initRng), config.training, SCENE_EXTENT_M, modelRng);
    }
    if (config.resolution !== null && config.resolution !== prior.imageSize) {
      throw new KilnError('invalid-request', `this model works at ${prior.imageSize}×${prior.imageSize} pixels; set the resolution to ${prior.imageSize} or leave it out`);
    }
    const sampler = trainingSampler(prior);
    const raster = new GaussianRasterizer(env.threads);
    return { run, config, prior, model, method, loopRng, raster, sampler, background: priorBackground(prior), startIteration, priorElapsedMs };
  } catch (err) {
    await prior.close();
    throw err;
  }
}

/** A branch starts from its parent's snapshot exactly as stored; a new run from a fuzzy ball of Gaussians. */
function initialParams(env: RunEnvironment, run: RunRecord, config: ResolvedRunConfig, rng: Rng) {
  if (run.parentRunId !== null && run.parentIteration !== null) {
    const parent = env.runs.getSnapshot(run.parentRunId, run.parentIteration);
    return decodeCompactGaussians(env.blobs.read(parent.splatsBlob));
  }
  return initialiseRunBall(config.initialGaussians, config.shDegreeMax, config.training, SCENE_EXTENT_M, rng);
}

async function optimise(env: RunEnvironment, s: Session, hooks: RunHooks): Promise<'completed' | 'cancelled' | 'paused'> {
  const { config, model } = s;
  const started = performance.now();
  const elapsed = () => s.priorElapsedMs + performance.now() - started;
  if (env.runs.latestSnapshot(s.run.id) === undefined) writeSnapshot(env, s, 0, elapsed(), undefined, hooks);
  let lastReport = -Infinity;
  let lastPreview = -Infinity;
  let lastLive = -Infinity;
  let stop: StopRequest = null;
  const interval = hooks.progressIntervalMs ?? 250;
  const liveInterval = hooks.liveIntervalMs;
  await runDistillation(
    model,
    s.raster,
    s.method,
    {
      iterations: config.iterations,
      startIteration: s.startIteration,
      batchSize: config.batchSize,
      sampler: s.sampler,
      background: s.background,
      onIteration: ({ iteration, result }) => {
        stop = hooks.stopRequested?.() ?? null;
        const now = performance.now();
        const last = iteration === config.iterations;
        if (last || stop || now - lastReport >= interval) {
          lastReport = now;
          const rate = (iteration - s.startIteration) / Math.max(1e-9, (now - started) / 1000);
          const showPreview = liveInterval !== undefined && result.x0Preview !== undefined && now - lastPreview >= liveInterval;
          if (showPreview) lastPreview = now;
          hooks.onProgress?.({
            runId: s.run.id,
            iteration,
            targetIterations: config.iterations,
            stage: STAGE,
            t: result.t,
            terms: result.terms,
            gaussians: model.count,
            iterationsPerSecond: rate,
            etaSeconds: rate > 0 ? (config.iterations - iteration) / rate : null,
            ...(showPreview ? { preview: previewDataUrl(result.x0Preview!) } : {}),
          });
        }
        if (hooks.onLiveSplats && liveInterval !== undefined && now - lastLive >= liveInterval) {
          lastLive = now;
          hooks.onLiveSplats({ iteration, gaussians: model.count, payload: encodeCompactGaussians(model.params) });
        }
        if (stop || isSnapshotIteration(iteration, config.iterations, config.snapshotEvery)) {
          writeSnapshot(env, s, iteration, elapsed(), result, hooks);
        }
        return stop === null;
      },
    },
    s.loopRng,
  );
  if (stop === 'cancel') return 'cancelled';
  if (stop === 'pause') return 'paused';
  return 'completed';
}

/**
 * Writes the snapshot's payloads (compact splats, thumbnail, full checkpoint) to the blob store, then commits the
 * row; the previous checkpoint is dropped in the same transaction and its file deleted after the commit.
 */
function writeSnapshot(env: RunEnvironment, s: Session, iteration: number, elapsedMs: number, result: GuidanceResult | undefined, hooks: RunHooks): void {
  const { model } = s;
  const splatsBlob = env.blobs.put(encodeCompactGaussians(model.params));
  const thumbnailBlob = env.blobs.put(renderThumbnail(s.raster, model.params, model.shDegree, s.sampler, s.background));
  const checkpointBlob = env.blobs.put(
    encodeCheckpoint({ iteration, model: model.exportState(), loopRng: s.loopRng.getState(), methodState: s.method.saveState?.(), elapsedMs }),
  );
  const metrics: Record<string, number> = { elapsedMs, ...(result ? { t: result.t, ...prefixed(result.terms) } : {}) };
  const { droppedCheckpoints } = env.runs.addSnapshot(
    { runId: s.run.id, iteration, gaussians: model.count, splatsBlob, checkpointBlob, thumbnailBlob, metrics },
    { keepOnlyNewestCheckpoint: true },
  );
  for (const hash of droppedCheckpoints) if (!env.runs.isBlobReferenced(hash)) env.blobs.delete(hash);
  hooks.onSnapshot?.(env.runs.getSnapshot(s.run.id, iteration));
}

/** A 3×S×S image in [0, 1] as a PNG data URL. */
function previewDataUrl(chw: Float32Array): string {
  const size = Math.round(Math.sqrt(chw.length / 3));
  return `data:image/png;base64,${encodePngRgb(chwToRgbBytes(chw, size, size), size, size).toString('base64')}`;
}

const prefixed = (terms: Record<string, number>) => Object.fromEntries(Object.entries(terms).map(([k, v]) => [`term.${k}`, v]));
