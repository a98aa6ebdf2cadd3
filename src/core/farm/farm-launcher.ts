import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunProgress } from '../../shared/runs';
import type { EngineHandle, EngineLauncher, EngineMessage } from '../studio/engine-launcher';
import { toWireRun, toWireSnapshot } from '../studio/wire';
import type { KilnStore } from '../store/kiln-store';
import type { RunRecord, SnapshotRecord } from '../store/run-repository';
import { jobKeyFor } from './farm-auth';
import type { FarmIntakeHooks, StopMode } from './farm-intake';
import { CONTROL_CHANNEL, FARM_QUEUE, openRedis, quietErrorLog, redisOptions, RUN_JOB_OPTIONS, type ControlMessage, type FarmJobData } from './farm-queue';

interface Tracked {
  jobId: string;
  onMessage: (message: EngineMessage) => void;
  stop: StopMode | null;
  end: (detail: string) => void;
}

/** Job ids are `<run id>.<enqueue time>`: a resumed run is a new job, and any event names its run. */
const runIdOfJob = (jobId: string) => jobId.split('.')[0]!;
const WAITING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'paused']);

/**
 * `kiln serve --farm`: runs become BullMQ jobs on Redis instead of local engine processes (docs/architecture.md,
 * "The farm"). The studio stays the owner of every run: workers send it snapshots over HTTP (FarmIntake); progress
 * and the end of a job come back through BullMQ's events; pause and cancel go out on a Redis channel (and in the
 * reply to the worker's next upload, should the message be missed).
 */
export class FarmEngineLauncher implements EngineLauncher, FarmIntakeHooks {
  /** A studio that stops leaves farm runs running: their workers report to it again when it is back. */
  readonly runsOutliveHost = true;
  private readonly tracked = new Map<string, Tracked>();
  private readonly connection: Redis;
  private readonly queue: Queue<FarmJobData>;
  private readonly events: QueueEvents;

  constructor(
    redisUrl: string,
    private readonly store: KilnStore,
    /** The URL workers reach this studio at (known once it listens). */
    private readonly studioUrl: () => string,
    private readonly jobSecret: string,
  ) {
    const log = quietErrorLog((line) => console.error(`[kiln] ${line}`), 'farm');
    this.connection = openRedis(redisUrl, log);
    this.queue = new Queue<FarmJobData>(FARM_QUEUE, { connection: redisOptions(redisUrl) });
    this.queue.on('error', log);
    this.events = new QueueEvents(FARM_QUEUE, { connection: redisOptions(redisUrl) });
    this.events.on('error', log);
    this.events.on('progress', ({ jobId, data }) => this.byJob(jobId)?.onMessage({ type: 'progress', progress: data as RunProgress }));
    this.events.on('failed', ({ jobId, failedReason }) => this.jobFailed(jobId, failedReason));
    this.events.on('completed', ({ jobId }) => this.byJob(jobId)?.end('the farm job completed'));
  }

  /** Resolves once Redis answers (a studio that cannot reach its farm says so at start). */
  async ready(): Promise<void> {
    await this.queue.waitUntilReady();
    await this.events.waitUntilReady();
  }

  launch(_home: string, runId: string, onMessage: (message: EngineMessage) => void): EngineHandle {
    const jobId = `${runId}.${Date.now()}`;
    let end!: (detail: string) => void;
    const exited = new Promise<{ code: number | null; detail: string }>((resolve) => {
      end = (detail) => {
        if (this.tracked.get(runId)?.jobId === jobId) this.tracked.delete(runId);
        resolve({ code: null, detail });
      };
    });
    this.tracked.set(runId, { jobId, onMessage, stop: null, end });
    // A resumed run may have been run by another worker, or locally: it waits for a worker with none recorded.
    const run = this.store.runs.assignWorker(runId, null);
    if (run.status !== 'running') this.store.runs.setStatus(runId, 'running');
    const data: FarmJobData = { runId, config: run.config, studioUrl: this.studioUrl(), jobKey: jobKeyFor(this.jobSecret, runId) };
    this.queue.add('run', data, { ...RUN_JOB_OPTIONS, jobId }).catch((err: Error) => this.endWith(runId, 'failed', `the run could not be queued on the farm: ${err.message}`));
    return { stop: (mode) => void this.stop(runId, mode), exited };
  }

  stopRequested(runId: string): StopMode | null {
    return this.tracked.get(runId)?.stop ?? null;
  }

  onSnapshot(snapshot: SnapshotRecord): void {
    this.tracked.get(snapshot.runId)?.onMessage({ type: 'snapshot', snapshot: toWireSnapshot(snapshot) });
  }

  onStatus(run: RunRecord): void {
    const t = this.tracked.get(run.id);
    if (!t) return;
    if (run.status === 'running') return t.onMessage({ type: 'started', run: toWireRun(run) });
    t.onMessage({ type: 'finished', run: toWireRun(run) });
    t.end(`the worker ended the run (${run.status})`);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.connection.disconnect();
  }

  /** A job still waiting is taken off the queue; one a worker runs is told over the control channel. */
  private async stop(runId: string, mode: StopMode): Promise<void> {
    const t = this.tracked.get(runId);
    if (!t) return;
    t.stop = mode;
    try {
      const job = await this.queue.getJob(t.jobId);
      if (job && WAITING_STATES.has(await job.getState())) {
        await job.remove(); // throws when a worker took it meanwhile (its lock): then the message below reaches it
        return this.endWith(runId, mode === 'cancel' ? 'cancelled' : 'paused', null);
      }
    } catch {
      // taken by a worker, or Redis is away: the control message (or the reply to its next upload) stops it
    }
    await this.connection.publish(CONTROL_CHANNEL, JSON.stringify({ runId, mode } satisfies ControlMessage));
  }

  private jobFailed(jobId: string, reason: string): void {
    const run = this.store.runs.runIfPresent(runIdOfJob(jobId));
    const current = run && this.tracked.get(run.id);
    // An older job of a run that was resumed since is no news about the run.
    if (run?.status === 'running' && (current === undefined || current.jobId === jobId)) this.endWith(run.id, 'failed', reason);
    else this.byJob(jobId)?.end(`the farm job failed: ${reason}`);
  }

  private endWith(runId: string, status: 'failed' | 'cancelled' | 'paused', error: string | null): void {
    const ended = this.store.runs.setStatus(runId, status, { error });
    const t = this.tracked.get(runId);
    t?.onMessage({ type: 'finished', run: toWireRun(ended) });
    t?.end(error ?? status);
  }

  private byJob(jobId: string): Tracked | undefined {
    const t = this.tracked.get(runIdOfJob(jobId));
    return t?.jobId === jobId ? t : undefined;
  }
}
