import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { KilnError } from '../../shared/errors';
import { ControlMessage, CONTROL_CHANNEL, FARM_QUEUE, FarmJobData, openRedis, quietErrorLog, redisOptions } from './farm-queue';
import { BadJobError, runFarmJob, type JobControl, type WorkerSettings } from './run-farm-job';
import { StudioClient } from './studio-client';

export interface FarmWorkerOptions extends WorkerSettings {
  redisUrl: string;
  concurrency: number;
  /** How long a job's lock lasts without renewal: a worker gone this long loses its jobs to others. */
  lockMs: number;
  log(line: string): void;
}

interface ActiveJob {
  job: Job<FarmJobData>;
  control: JobControl;
}

/**
 * `kiln worker`: takes run jobs from the farm's queue, N at a time. A studio's pause or cancel arrives on the control
 * channel; a lost lock (this worker was thought dead) or a shutdown hands the job back after the current iteration,
 * its last snapshot uploaded, for another worker to resume (docs/architecture.md, "The farm").
 */
export class FarmWorker {
  private readonly active = new Map<string, ActiveJob>();
  private readonly subscriber: Redis;
  private readonly worker: Worker<FarmJobData>;

  constructor(private readonly o: FarmWorkerOptions) {
    const logError = quietErrorLog(o.log, 'redis');
    this.subscriber = openRedis(o.redisUrl, logError);
    this.subscriber.on('message', (_channel: string, text: string) => this.onControl(text));
    void this.subscriber.subscribe(CONTROL_CHANNEL).catch((err: Error) => o.log(`control channel: ${err.message}`));
    this.worker = new Worker<FarmJobData>(FARM_QUEUE, (job, token) => this.process(job, token), {
      connection: redisOptions(o.redisUrl),
      concurrency: o.concurrency,
      name: o.name,
      lockDuration: o.lockMs,
      stalledInterval: o.lockMs,
      // A worker killed mid-run stalls its job once per loss; a deterministic run resumes, so let it come back.
      maxStalledCount: 10,
    });
    this.worker.on('error', logError);
    this.worker.on('lockRenewalFailed', (jobIds) => {
      for (const a of this.active.values()) if (jobIds.includes(a.job.id!)) a.control.handBack = 'lock-lost';
    });
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Hands running jobs back (each stops after its iteration, uploads its snapshot and returns to the queue). */
  async close(): Promise<void> {
    for (const a of this.active.values()) a.control.handBack = 'shutdown';
    await this.worker.close();
    this.subscriber.disconnect();
  }

  private onControl(text: string): void {
    let message: ControlMessage;
    try {
      message = ControlMessage.parse(JSON.parse(text));
    } catch {
      return;
    }
    const a = [...this.active.values()].find((x) => x.job.data.runId === message.runId);
    if (!a) return;
    this.o.log(`run ${message.runId.slice(0, 8)}: the studio asks to ${message.mode} it`);
    a.control.studioStop ??= message.mode;
  }

  private async process(job: Job<FarmJobData>, token: string | undefined): Promise<string> {
    const parsed = FarmJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`not a Kiln run job (${parsed.error.issues[0]?.message ?? 'bad data'}); the queue "${FARM_QUEUE}" is Kiln's`);
    const data = parsed.data;
    const control: JobControl = { studioStop: null, handBack: null };
    this.active.set(job.id!, { job, control });
    const short = data.runId.slice(0, 8);
    this.o.log(`run ${short}: taken (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    try {
      const ended = await runFarmJob(data, this.o, control, (p) => void job.updateProgress(p).catch(() => {}));
      if (control.handBack === 'shutdown' && ended === 'paused') {
        this.o.log(`run ${short}: handed back to the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (control.handBack === 'lock-lost') throw new Error(`run ${short}: this worker lost the job's lock (it was thought gone); another worker resumes it`);
      this.o.log(`run ${short}: ${ended}`);
      return ended;
    } catch (err) {
      if (err instanceof WaitingError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const last = err instanceof BadJobError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.o.log(`run ${short}: ${last ? 'failed' : 'will be retried'}: ${message}`);
      if (last) await reportFailure(this.o, data, message);
      if (err instanceof BadJobError || (err instanceof KilnError && err.code === 'forbidden')) throw new UnrecoverableError(message);
      throw err;
    } finally {
      this.active.delete(job.id!);
    }
  }
}

/** Best effort: the studio also learns of a failed job from BullMQ's events. */
async function reportFailure(settings: WorkerSettings, data: FarmJobData, error: string): Promise<void> {
  try {
    await new StudioClient(data.studioUrl, settings.token, data.runId, data.jobKey).report({ status: 'failed', worker: settings.name, error });
  } catch {
    // the studio is away or refused: its QueueEvents listener records the failure
  }
}
