import { z } from 'zod';
import { PayloadKind, RunStatus } from '../../shared/runs';

/** What a worker and the studio's farm routes exchange (src/server/farm-routes.ts); blobs travel as raw bytes. */
export const FARM_PREFIX = '/farm/v1/runs/';

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

export const FarmSnapshot = z.object({
  runId: z.string(),
  iteration: z.number().int().min(0),
  createdAt: z.string(),
  stage: z.number().int().min(0),
  gaussians: z.number().int().min(0),
  payloadKind: PayloadKind,
  payloadBlob: Hash,
  thumbnailBlob: Hash.nullable(),
  checkpointBlob: Hash.nullable(),
  hasCheckpoint: z.boolean(),
  metrics: z.record(z.string(), z.number()),
});

/** Where a job (re)starts: the run as the studio has it, its newest snapshot, and a branch's parent snapshot. */
export const ResumePoint = z.object({
  run: z.object({
    id: z.string(),
    projectId: z.string(),
    name: z.string(),
    status: RunStatus,
    method: z.string(),
    prompt: z.string().nullable(),
    /** An image run's reference photo (its original bytes, a blob the worker fetches before it starts). */
    referenceImage: z.object({ blob: Hash, name: z.string() }).nullable(),
    seed: z.number().int(),
    targetIterations: z.number().int(),
    lastIteration: z.number().int(),
    parentRunId: z.string().nullable(),
    parentIteration: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    config: z.record(z.string(), z.unknown()),
  }),
  latest: FarmSnapshot.nullable(),
  parent: FarmSnapshot.nullable(),
});
export type ResumePoint = z.infer<typeof ResumePoint>;

export const SnapshotUpload = z.object({
  iteration: z.number().int().min(0),
  stage: z.number().int().min(0),
  gaussians: z.number().int().min(0),
  payloadKind: PayloadKind,
  payloadBlob: Hash,
  checkpointBlob: Hash.nullable(),
  thumbnailBlob: Hash.nullable(),
  metrics: z.record(z.string(), z.number()),
});
export type SnapshotUpload = z.infer<typeof SnapshotUpload>;

export const StatusReport = z.object({
  status: z.enum(['running', 'completed', 'paused', 'cancelled', 'failed']),
  /** host:pid of the worker. */
  worker: z.string().min(1).max(200),
  error: z.string().max(4000).nullable().default(null),
});
export type StatusReport = z.input<typeof StatusReport>;

/** Every answer to a worker says whether its run should stop (cancelled or paused in the studio). */
export const FarmReply = z.object({ stored: z.boolean().default(false), stop: z.enum(['cancel', 'pause']).nullable() });
export type FarmReply = z.infer<typeof FarmReply>;
