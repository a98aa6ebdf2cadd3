import { Redis } from 'ioredis';
import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { RunId } from '../../shared/runs';

/** The BullMQ queue every studio and worker of a farm share (docs/architecture.md, "The farm"). */
export const FARM_QUEUE = 'kiln-runs';

/** The Redis pub/sub channel on which a studio asks the worker running a run to pause or cancel it. */
export const CONTROL_CHANNEL = `${FARM_QUEUE}:control`;

/**
 * A run job: the run's resolved config (checked by the worker, which may be older or newer than the studio), where
 * to report, and the key that lets its worker write into this run and no other.
 */
export const FarmJobData = z.object({
  runId: RunId,
  config: z.record(z.string(), z.unknown()),
  studioUrl: z.string().url(),
  jobKey: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FarmJobData = z.infer<typeof FarmJobData>;

export const ControlMessage = z.object({ runId: RunId, mode: z.enum(['cancel', 'pause']) });
export type ControlMessage = z.infer<typeof ControlMessage>;

/**
 * Retries with backoff for transient trouble (the studio restarting, a network blip); a bad request throws
 * UnrecoverableError and fails at once. A job resumes from the studio's last committed checkpoint on every attempt,
 * so a retry repeats at most one snapshot interval of work.
 */
export const RUN_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** A redis:// (or rediss://) URL, checked before anything connects. */
export function farmRedisUrl(raw: string, option: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KilnError('invalid-request', `${option} must be a Redis URL such as redis://127.0.0.1:6379, not "${raw}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new KilnError('invalid-request', `${option} must be a redis:// or rediss:// URL, not "${raw}"`);
  }
  return raw;
}

/**
 * How BullMQ connects (it opens, and on close ends, its own connections): no per-command retry limit — workers and
 * event listeners block, and must wait through a Redis restart — reconnecting every second at most.
 */
export function redisOptions(url: string) {
  return { url, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 1000) };
}

/** A connection of our own (the control channel), with the same reconnection; errors go to `onError`. */
export function openRedis(url: string, onError: (err: Error) => void = () => {}): Redis {
  const { url: _, ...options } = redisOptions(url);
  return new Redis(url, options).on('error', onError);
}

/**
 * Logs a connection problem once, not on every reconnection attempt (ioredis retries every second while Redis is
 * away; BullMQ reports each failure).
 */
export function quietErrorLog(log: (line: string) => void, label: string, quietMs = 30_000): (err: Error) => void {
  let last = '';
  let at = 0;
  return (err) => {
    const now = Date.now();
    if (err.message === last && now - at < quietMs) return;
    last = err.message;
    at = now;
    log(`${label}: ${err.message}`);
  };
}
