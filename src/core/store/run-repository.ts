import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { KilnError } from '../../shared/errors';
import { PayloadKind, type Run, type RunStatus, type Snapshot } from '../../shared/runs';

interface RunRow {
  id: string;
  project_id: string;
  name: string;
  status: RunStatus;
  method: string;
  prompt: string | null;
  reference_blob: string | null;
  reference_name: string | null;
  seed: number;
  target_iterations: number;
  config: string;
  parent_run_id: string | null;
  parent_iteration: number | null;
  error: string | null;
  pid: number | null;
  created_at: string;
  updated_at: string;
  last_iteration: number | null;
  worker: string | null;
}

interface SnapshotRow {
  run_id: string;
  iteration: number;
  created_at: string;
  gaussians: number;
  stage: number;
  payload_kind: string;
  payload_blob: string;
  checkpoint_blob: string | null;
  thumbnail_blob: string | null;
  metrics: string;
}

export interface RunRecord extends Run {
  /** The process that last ran it (to tell a live run from one whose process died). */
  pid: number | null;
}

export interface SnapshotRecord extends Snapshot {
  checkpointBlob: string | null;
}

export interface NewRun {
  projectId: string;
  name?: string;
  /** The resolved configuration; its `prompt` and `reference` (blob, name), when present, are also kept as columns. */
  config: unknown;
  /** The method the run list shows (its first stage's). */
  method: string;
  seed: number;
  targetIterations: number;
  parentRunId?: string | null;
  parentIteration?: number | null;
}

export interface NewSnapshot {
  runId: string;
  iteration: number;
  stage: number;
  gaussians: number;
  payloadKind: PayloadKind;
  payloadBlob: string;
  checkpointBlob: string | null;
  thumbnailBlob: string | null;
  metrics: Record<string, number>;
}

export interface NewAsset {
  runId: string;
  iteration: number;
  format: string;
  path: string;
  bytes: number;
  /** The export's bytes in the blob store (studio exports), which keeps that blob from being swept. */
  blob?: string | null;
}

const RUN_COLUMNS = `runs.*, (SELECT MAX(iteration) FROM snapshots WHERE run_id = runs.id) AS last_iteration`;

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status,
    method: row.method,
    prompt: row.prompt,
    referenceImage: row.reference_blob === null ? null : { blob: row.reference_blob, name: row.reference_name ?? 'reference image' },
    seed: row.seed,
    targetIterations: row.target_iterations,
    lastIteration: row.last_iteration ?? 0,
    parentRunId: row.parent_run_id,
    parentIteration: row.parent_iteration,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    config: JSON.parse(row.config) as Record<string, unknown>,
    worker: row.worker,
    pid: row.pid,
  };
}

function toSnapshot(row: SnapshotRow): SnapshotRecord {
  return {
    runId: row.run_id,
    iteration: row.iteration,
    createdAt: row.created_at,
    stage: row.stage,
    gaussians: row.gaussians,
    payloadKind: PayloadKind.parse(row.payload_kind),
    payloadBlob: row.payload_blob,
    thumbnailBlob: row.thumbnail_blob,
    checkpointBlob: row.checkpoint_blob,
    hasCheckpoint: row.checkpoint_blob !== null,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
  };
}

/** The columns a resolved config fills: its prompt (null when it has none) and its reference photo. */
function configColumns(config: unknown): { prompt: string | null; referenceBlob: string | null; referenceName: string | null } {
  const c = config as { prompt?: unknown; reference?: { blob?: unknown; name?: unknown } | null } | null;
  const reference = c?.reference;
  return {
    prompt: typeof c?.prompt === 'string' ? c.prompt : null,
    referenceBlob: typeof reference?.blob === 'string' ? reference.blob : null,
    referenceName: typeof reference?.name === 'string' ? reference.name : null,
  };
}

/** Runs, their snapshots and exported assets. Payloads live in the blob store; rows hold their hashes. */
export class RunRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  createRun(input: NewRun): RunRecord {
    const id = randomUUID();
    const stamp = this.now().toISOString();
    const { prompt, referenceBlob, referenceName } = configColumns(input.config);
    if (prompt === null && referenceBlob === null) throw new Error('createRun: a run needs a prompt or a reference image');
    const method = input.method;
    this.db
      .prepare(
        `INSERT INTO runs (id, project_id, name, status, method, prompt, reference_blob, reference_name, seed, target_iterations,
                           config, parent_run_id, parent_iteration, error, pid, created_at, updated_at)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
      )
      .run(
        id,
        input.projectId,
        input.name ?? (prompt || referenceName || 'run'),
        method,
        prompt,
        referenceBlob,
        referenceName,
        input.seed,
        input.targetIterations,
        JSON.stringify(input.config),
        input.parentRunId ?? null,
        input.parentIteration ?? null,
        stamp,
        stamp,
      );
    return this.getRun(id);
  }

  getRun(id: string): RunRecord {
    const run = this.runIfPresent(id);
    if (!run) throw new KilnError('not-found', `no run with id ${id}; list runs with "kiln runs"`);
    return run;
  }

  /** The run, or undefined when its row is gone (for code that must not throw, such as exit handlers). */
  runIfPresent(id: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** A run by its full id or a unique prefix of it (the CLI shows 8 characters). */
  findRun(idOrPrefix: string): RunRecord {
    const rows = this.db
      .prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2`)
      .all(idOrPrefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%') as RunRow[];
    if (rows.length === 0 || idOrPrefix.length === 0) {
      throw new KilnError('not-found', `no run with id "${idOrPrefix}"; list runs with "kiln runs"`);
    }
    if (rows.length > 1) throw new KilnError('invalid-request', `"${idOrPrefix}" matches several runs; give more of the id`);
    return toRun(rows[0]!);
  }

  listRuns(projectId?: string): RunRecord[] {
    const rows = (
      projectId === undefined
        ? this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at, id`).all()
        : this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE project_id = ? ORDER BY created_at, id`).all(projectId)
    ) as RunRow[];
    return rows.map(toRun);
  }

  setStatus(id: string, status: RunStatus, details: { error?: string | null; pid?: number | null } = {}): RunRecord {
    const changes = this.db
      .prepare(
        `UPDATE runs SET status = ?, error = ?, pid = COALESCE(?, pid), updated_at = ? WHERE id = ?`,
      )
      .run(status, details.error ?? null, details.pid ?? null, this.now().toISOString(), id).changes;
    if (changes === 0) throw new KilnError('not-found', `no run with id ${id}`);
    return this.getRun(id);
  }

  /** Records the farm worker running a run (null: none yet); a farm run has no local process, so its pid is cleared. */
  assignWorker(id: string, worker: string | null): RunRecord {
    const changes = this.db.prepare('UPDATE runs SET worker = ?, pid = NULL, updated_at = ? WHERE id = ?').run(worker, this.now().toISOString(), id).changes;
    if (changes === 0) throw new KilnError('not-found', `no run with id ${id}`);
    return this.getRun(id);
  }

  /**
   * Commits a snapshot row (its blobs must already be on disk). With `keepOnlyNewestCheckpoint` the run's older
   * checkpoints are unlinked from their rows in the same transaction; their hashes are returned so the caller can
   * delete the files once nothing else refers to them.
   */
  addSnapshot(s: NewSnapshot, options: { keepOnlyNewestCheckpoint?: boolean } = {}): { droppedCheckpoints: string[] } {
    return this.db
      .transaction(() => {
        let dropped: string[] = [];
        if (options.keepOnlyNewestCheckpoint && s.checkpointBlob !== null) {
          dropped = (
            this.db
              .prepare('SELECT checkpoint_blob FROM snapshots WHERE run_id = ? AND checkpoint_blob IS NOT NULL')
              .all(s.runId) as { checkpoint_blob: string }[]
          ).map((r) => r.checkpoint_blob);
          this.db.prepare('UPDATE snapshots SET checkpoint_blob = NULL WHERE run_id = ?').run(s.runId);
        }
        this.db
          .prepare(
            `INSERT OR REPLACE INTO snapshots (run_id, iteration, created_at, stage, gaussians, payload_kind, payload_blob, checkpoint_blob, thumbnail_blob, metrics)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(s.runId, s.iteration, this.now().toISOString(), s.stage, s.gaussians, s.payloadKind, s.payloadBlob, s.checkpointBlob, s.thumbnailBlob, JSON.stringify(s.metrics));
        this.db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(this.now().toISOString(), s.runId);
        return { droppedCheckpoints: dropped.filter((h) => h !== s.checkpointBlob) };
      })
      .immediate();
  }

  listSnapshots(runId: string): SnapshotRecord[] {
    const rows = this.db.prepare('SELECT * FROM snapshots WHERE run_id = ? ORDER BY iteration').all(runId) as SnapshotRow[];
    return rows.map(toSnapshot);
  }

  getSnapshot(runId: string, iteration: number): SnapshotRecord {
    const snapshot = this.snapshotIfPresent(runId, iteration);
    if (!snapshot) {
      const have = this.listSnapshots(runId).map((s) => s.iteration);
      throw new KilnError(
        'not-found',
        have.length === 0
          ? `run ${runId} has no snapshots yet`
          : `run ${runId} has no snapshot at iteration ${iteration}; it has ${describeIterations(have)}`,
      );
    }
    return snapshot;
  }

  snapshotIfPresent(runId: string, iteration: number): SnapshotRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE run_id = ? AND iteration = ?').get(runId, iteration) as SnapshotRow | undefined;
    return row && toSnapshot(row);
  }

  latestSnapshot(runId: string): SnapshotRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE run_id = ? ORDER BY iteration DESC LIMIT 1').get(runId) as
      | SnapshotRow
      | undefined;
    return row && toSnapshot(row);
  }

  addAsset(a: NewAsset): void {
    this.db
      .prepare('INSERT INTO assets (id, run_id, iteration, format, path, bytes, blob, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(randomUUID(), a.runId, a.iteration, a.format, a.path, a.bytes, a.blob ?? null, this.now().toISOString());
  }

  listAssets(runId: string): (NewAsset & { createdAt: string })[] {
    return (
      this.db.prepare('SELECT * FROM assets WHERE run_id = ? ORDER BY created_at').all(runId) as {
        run_id: string;
        iteration: number;
        format: string;
        path: string;
        bytes: number;
        blob: string | null;
        created_at: string;
      }[]
    ).map((r) => ({ runId: r.run_id, iteration: r.iteration, format: r.format, path: r.path, bytes: r.bytes, blob: r.blob, createdAt: r.created_at }));
  }

  isBlobReferenced(hash: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM snapshots WHERE payload_blob = @h OR checkpoint_blob = @h OR thumbnail_blob = @h
           UNION ALL SELECT 1 FROM assets WHERE blob = @h
           UNION ALL SELECT 1 FROM runs WHERE reference_blob = @h LIMIT 1`,
        )
        .get({ h: hash }) !== undefined
    );
  }

  /** What refers to a blob, in words: "the splats of run 1a2b3c4d "a mug", snapshot at iteration 40; …". */
  describeBlobUse(hash: string): string | undefined {
    const snapshots = this.db
      .prepare(
        `SELECT s.run_id, s.iteration, COALESCE(r.prompt, r.reference_name) AS prompt,
                CASE @h WHEN s.payload_blob THEN 'payload' WHEN s.checkpoint_blob THEN 'checkpoint' ELSE 'thumbnail' END AS role
         FROM snapshots s JOIN runs r ON r.id = s.run_id
         WHERE s.payload_blob = @h OR s.checkpoint_blob = @h OR s.thumbnail_blob = @h ORDER BY s.run_id, s.iteration LIMIT 3`,
      )
      .all({ h: hash }) as { run_id: string; iteration: number; prompt: string; role: string }[];
    const assets = this.db.prepare('SELECT run_id, iteration, format FROM assets WHERE blob = ? LIMIT 3').all(hash) as { run_id: string; iteration: number; format: string }[];
    const references = this.db.prepare('SELECT id, reference_name FROM runs WHERE reference_blob = ? LIMIT 3').all(hash) as { id: string; reference_name: string | null }[];
    const uses = [
      ...snapshots.map((s) => `the ${s.role} of run ${s.run_id.slice(0, 8)} "${s.prompt}", snapshot at iteration ${s.iteration}`),
      ...assets.map((a) => `the ${a.format} export of run ${a.run_id.slice(0, 8)} at iteration ${a.iteration}`),
      ...references.map((r) => `the reference image "${r.reference_name ?? ''}" of run ${r.id.slice(0, 8)}`),
    ];
    return uses.length > 0 ? uses.join('; ') : undefined;
  }

  /** Every blob hash a row refers to (for sweeping orphans). */
  referencedBlobs(): Set<string> {
    const rows = this.db
      .prepare(
        `SELECT payload_blob AS h FROM snapshots UNION SELECT checkpoint_blob FROM snapshots WHERE checkpoint_blob IS NOT NULL
         UNION SELECT thumbnail_blob FROM snapshots WHERE thumbnail_blob IS NOT NULL
         UNION SELECT blob FROM assets WHERE blob IS NOT NULL
         UNION SELECT reference_blob FROM runs WHERE reference_blob IS NOT NULL`,
      )
      .all() as { h: string }[];
    return new Set(rows.map((r) => r.h));
  }
}

/** "iterations 0, 8, 16 … 800" — short enough for an error message. */
function describeIterations(its: number[]): string {
  return its.length <= 8 ? `iterations ${its.join(', ')}` : `iterations ${its.slice(0, 4).join(', ')} … ${its.at(-1)} (${its.length} in all)`;
}
