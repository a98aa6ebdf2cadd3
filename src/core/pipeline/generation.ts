import { KilnError } from '../../shared/errors';
import type { PayloadKind, RunProgress } from '../../shared/runs';
import { SHADING } from '../diffusion/demo/raycast';
import type { Conditioning, Prior } from '../diffusion/prior';
import type { SessionSettings } from '../diffusion/session-settings';
import type { GuidanceResult, TextTeacher } from '../distill/guidance';
import type { OrbitSamplerSettings } from '../scene/cameras/orbit-sampler';
import type { SnapshotPayload } from '../scene/representation';
import type { BlobStore } from '../store/blob-store';
import type { RunRecord, RunRepository, SnapshotRecord } from '../store/run-repository';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';
import { checkRunModels } from './check-run-models';
import { openRunPrior, stageSampler, trainingSampler } from './open-run-prior';
import { conditionOnReference, type ImageConditioning } from './reference-conditioning';
import { isSnapshotIteration, ResolvedRunConfig, stageStart, totalIterations } from './run-config';
import { runStage } from './stage-runner';
import { openStage, type StageSession } from './stage-session';
import { openTextTeacher } from './text-teacher';
import { renderThumbnail } from './thumbnail';
import { chwToRgbBytes, encodePngRgb } from '../image/png';

/**
 * What a run reads and records: the home's RunRepository in a local engine, or a farm worker's ledger that mirrors
 * the owning studio (docs/architecture.md, "The farm").
 */
export type RunLedger = Pick<RunRepository, 'getRun' | 'setStatus' | 'latestSnapshot' | 'getSnapshot' | 'addSnapshot' | 'isBlobReferenced'>;

export interface RunEnvironment {
  home: string;
  runs: RunLedger;
  blobs: Pick<BlobStore, 'put' | 'read' | 'delete'>;
  /** CPU threads for the rasterizer and ONNX Runtime (results do not depend on it). */
  threads: number;
  /** ONNX Runtime's execution provider (`auto` by default: CUDA → DirectML → CoreML → CPU). */
  executionProvider?: ExecutionProviderChoice;
}

export type ExecutionProviderChoice = SessionSettings['executionProvider'];

export type StopRequest = 'cancel' | 'pause' | null;

/** The live payload between snapshots (compact splats, or a mesh in a mesh stage). */
export interface LivePayload {
  iteration: number;
  stage: number;
  kind: PayloadKind;
  /** Primitives in it (Gaussians, faces). */
  size: number;
  payload: Uint8Array;
}

export interface RunHooks {
  onProgress?(progress: RunProgress): void;
  onSnapshot?(snapshot: SnapshotRecord): void;
  /** Asked after every iteration; a stop writes a snapshot first, so the run can resume from exactly there. */
  stopRequested?(): StopRequest;
  /** Minimum time between progress reports (the last iteration always reports). */
  progressIntervalMs?: number;
  /** The live representation between snapshots, at most once per `liveIntervalMs`. */
  onLivePayload?(live: LivePayload): void;
  /**
   * Minimum time between live payloads and between x̂₀ previews in progress reports (PNG data URLs). Without it
   * neither is produced: encoding them costs time the command line has no use for.
   */
  liveIntervalMs?: number;
}

/** Splat colour behind the object: the demo prior's studio grey, or white for real packs (as threestudio uses). */
export function priorBackground(prior: Prior): [number, number, number] {
  return prior.manifest.demo ? [...SHADING.background] : [1, 1, 1];
}

interface RunSession {
  run: RunRecord;
  config: ResolvedRunConfig;
  prior: Prior;
  conditioning: Conditioning;
  /** Image runs: the reference camera and photo. */
  image?: Omit<ImageConditioning, 'conditioning'>;
  /** A captioned photo run's text teacher (config.textModel), for the stages whose method takes one. */
  textTeacher?: TextTeacher;
  sampler: OrbitSamplerSettings;
  background: [number, number, number];
}

/** Where a run (re)starts: a stage, and what that stage starts from. */
interface StartingPoint {
  stage: number;
  from?: SnapshotPayload;
  checkpoint?: Checkpoint;
}

/**
 * Runs (or resumes) a run to its end, a cancel or a pause, stage after stage: each stage samples views, applies its
 * method's guidance, steps its representation, and commits snapshots on its schedule — each one's blobs on disk
 * before its row; the next stage starts from the last snapshot's payload. The RNG streams are forked in a fixed
 * order from the seed, so a run is a pure function of its config (and resuming at any snapshot, in any stage,
 * reproduces the uninterrupted run bit for bit).
 */
export async function executeRun(env: RunEnvironment, runId: string, hooks: RunHooks = {}): Promise<RunRecord> {
  env.runs.setStatus(runId, 'running', { pid: process.pid });
  let session: RunSession | undefined;
  try {
    session = await openRun(env, runId);
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
    await Promise.all([session?.prior.close(), session?.textTeacher?.prior.close()]);
  }
}

async function openRun(env: RunEnvironment, runId: string): Promise<RunSession> {
  const run = env.runs.getRun(runId);
  const config = ResolvedRunConfig.parse(run.config);
  checkRunModels(config);
  const prior = await openRunPrior(env.home, config.model, env.threads, env.executionProvider);
  try {
    if (config.resolution !== null && config.resolution !== prior.imageSize) {
      throw new KilnError('invalid-request', `this model works at ${prior.imageSize}×${prior.imageSize} pixels; set the resolution to ${prior.imageSize} or leave it out`);
    }
    const background = priorBackground(prior);
    const session = { run, config, prior, sampler: trainingSampler(prior), background };
    if (config.reference) {
      const { conditioning, ...image } = await conditionOnReference(prior, env.blobs.read(config.reference.blob), config.reference, background);
      // Opened last: nothing after it can fail and leave it open.
      const textTeacher = await openTextTeacher(env.home, config, env.threads, env.executionProvider);
      return { ...session, conditioning, image, ...(textTeacher ? { textTeacher } : {}) };
    }
    return { ...session, conditioning: await prior.encodeText(config.prompt ?? '', config.negativePrompt) };
  } catch (err) {
    await prior.close();
    throw err;
  }
}

/**
 * The newest checkpoint's stage, or the stage after it when that one had finished; a new run's first stage, from
 * its branch parent's snapshot or from scratch.
 */
function startingPoint(env: RunEnvironment, s: RunSession): StartingPoint {
  const latest = env.runs.latestSnapshot(s.run.id);
  if (latest?.checkpointBlob) {
    const checkpoint = decodeCheckpoint(env.blobs.read(latest.checkpointBlob));
    const stage = s.config.stages[checkpoint.stage];
    if (!stage || checkpoint.stage !== latest.stage) {
      throw new Error(`run ${s.run.id.slice(0, 8)}: the checkpoint of snapshot ${latest.iteration} is of stage ${checkpoint.stage}, its row says ${latest.stage}`);
    }
    if (checkpoint.iteration - stageStart(s.config, checkpoint.stage) < stage.iterations) return { stage: checkpoint.stage, checkpoint };
    return { stage: checkpoint.stage + 1, from: payloadOf(env, latest) };
  }
  const { parentRunId, parentIteration } = s.run;
  if (parentRunId !== null && parentIteration !== null) return { stage: 0, from: payloadOf(env, env.runs.getSnapshot(parentRunId, parentIteration)) };
  return { stage: 0 };
}

const payloadOf = (env: RunEnvironment, snapshot: SnapshotRecord): SnapshotPayload => ({ kind: snapshot.payloadKind, bytes: env.blobs.read(snapshot.payloadBlob) });

async function optimise(env: RunEnvironment, s: RunSession, hooks: RunHooks): Promise<'completed' | 'cancelled' | 'paused'> {
  const { config } = s;
  const target = totalIterations(config);
  const start = startingPoint(env, s);
  const started = performance.now();
  const firstIteration = start.checkpoint?.iteration ?? stageStart(config, start.stage);
  const priorElapsedMs = start.checkpoint?.elapsedMs ?? 0;
  const elapsed = () => priorElapsedMs + performance.now() - started;
  let lastReport = -Infinity;
  let lastPreview = -Infinity;
  let lastLive = -Infinity;
  let stop: StopRequest = null;
  const interval = hooks.progressIntervalMs ?? 250;
  const liveInterval = hooks.liveIntervalMs;
  let from = start.from;
  for (let index = start.stage; index < config.stages.length; index++) {
    const resumed = index === start.stage ? start.checkpoint : undefined;
    const stage = openStage({
      prior: s.prior,
      conditioning: s.conditioning,
      prompt: config.prompt ?? undefined,
      negativePrompt: config.negativePrompt,
      referenceCamera: s.image?.referenceCamera,
      textTeacher: s.textTeacher,
      seed: config.seed,
      index,
      stage: config.stages[index]!,
      threads: env.threads,
      from,
      checkpoint: resumed,
    });
    const offset = stageStart(config, index);
    // A new stage's model goes live on its first iteration: the viewer switches representation at once.
    lastLive = -Infinity;
    // A run's first snapshot is its starting state; a later stage's start is the stage before's last snapshot.
    if (index === 0 && env.runs.latestSnapshot(s.run.id) === undefined) writeSnapshot(env, s, stage, 0, elapsed(), undefined, hooks);
    let lastPayload: SnapshotPayload | undefined;
    const done = await runStage(stage, {
      startIteration: resumed ? resumed.iteration - offset : 0,
      sampler: stageSampler(s.prior, s.sampler, config.stages[index]!),
      background: s.background,
      reference: s.image?.reference,
      runSpan: { offset, total: target },
      onIteration: ({ iteration, result, size }) => {
        stop = hooks.stopRequested?.() ?? null;
        const runIteration = offset + iteration;
        const now = performance.now();
        const last = runIteration === target;
        if (last || stop || now - lastReport >= interval) {
          lastReport = now;
          const rate = (runIteration - firstIteration) / Math.max(1e-9, (now - started) / 1000);
          const showPreview = liveInterval !== undefined && result.x0Preview !== undefined && now - lastPreview >= liveInterval;
          if (showPreview) lastPreview = now;
          hooks.onProgress?.({
            runId: s.run.id,
            iteration: runIteration,
            targetIterations: target,
            stage: stage.stage.representation,
            stageIndex: index,
            stageCount: config.stages.length,
            t: result.t,
            terms: result.terms,
            gaussians: size,
            iterationsPerSecond: rate,
            etaSeconds: rate > 0 ? (target - runIteration) / rate : null,
            ...(showPreview ? { preview: previewDataUrl(result.x0Preview!) } : {}),
          });
        }
        if (hooks.onLivePayload && liveInterval !== undefined && now - lastLive >= liveInterval) {
          lastLive = now;
          const { kind, bytes } = stage.representation.payload();
          hooks.onLivePayload({ iteration: runIteration, stage: index, kind, size, payload: bytes });
        }
        if (stop || isSnapshotIteration(iteration, stage.stage.iterations, stage.stage.snapshotEvery)) {
          lastPayload = writeSnapshot(env, s, stage, runIteration, elapsed(), result, hooks);
        }
        return stop === null;
      },
    });
    if (stop === 'cancel') return 'cancelled';
    if (stop === 'pause') return 'paused';
    if (done !== stage.stage.iterations || !lastPayload) throw new Error(`stage ${index} ended at ${done} of ${stage.stage.iterations} iterations without its last snapshot`);
    // The next stage starts from the bytes stored, exactly as a resume at this boundary would read them back.
    from = lastPayload;
  }
  return 'completed';
}

/**
 * Writes the snapshot's payloads (the representation's payload, thumbnail, full checkpoint) to the blob store, then
 * commits the row; the previous checkpoint is dropped in the same transaction and its file deleted after the commit.
 * Returns the payload it stored.
 */
function writeSnapshot(env: RunEnvironment, s: RunSession, stage: StageSession, iteration: number, elapsedMs: number, result: GuidanceResult | undefined, hooks: RunHooks): SnapshotPayload {
  const { representation } = stage;
  const payload = representation.payload();
  const payloadBlob = env.blobs.put(payload.bytes);
  const thumbnailBlob = env.blobs.put(renderThumbnail(representation, s.sampler, s.background));
  const checkpointBlob = env.blobs.put(
    encodeCheckpoint({
      stage: stage.index,
      iteration,
      representation: representation.saveState(),
      loopRng: stage.loopRng.getState(),
      methodState: stage.method.saveState?.(),
      elapsedMs,
    }),
  );
  const metrics: Record<string, number> = { elapsedMs, ...(result ? { t: result.t, ...prefixed(result.terms) } : {}) };
  const { droppedCheckpoints } = env.runs.addSnapshot(
    { runId: s.run.id, iteration, stage: stage.index, gaussians: representation.size, payloadKind: payload.kind, payloadBlob, checkpointBlob, thumbnailBlob, metrics },
    { keepOnlyNewestCheckpoint: true },
  );
  for (const hash of droppedCheckpoints) if (!env.runs.isBlobReferenced(hash)) env.blobs.delete(hash);
  hooks.onSnapshot?.(env.runs.getSnapshot(s.run.id, iteration));
  return payload;
}

/** A 3×S×S image in [0, 1] as a PNG data URL. */
function previewDataUrl(chw: Float32Array): string {
  const size = Math.round(Math.sqrt(chw.length / 3));
  return `data:image/png;base64,${encodePngRgb(chwToRgbBytes(chw, size, size), size, size).toString('base64')}`;
}

const prefixed = (terms: Record<string, number>) => Object.fromEntries(Object.entries(terms).map(([k, v]) => [`term.${k}`, v]));
