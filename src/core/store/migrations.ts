import type { Database } from 'better-sqlite3';

/** Append-only: migration i brings the schema from user_version i to i + 1. Never edit a shipped entry. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE projects (
     id          TEXT PRIMARY KEY,
     name        TEXT NOT NULL,
     created_at  TEXT NOT NULL,
     updated_at  TEXT NOT NULL,
     opened_at   TEXT
   );
   CREATE UNIQUE INDEX projects_name_nocase ON projects (name COLLATE NOCASE);`,
  `CREATE TABLE runs (
     id                TEXT PRIMARY KEY,
     project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
     name              TEXT NOT NULL,
     status            TEXT NOT NULL,
     method            TEXT NOT NULL,
     prompt            TEXT NOT NULL,
     seed              INTEGER NOT NULL,
     target_iterations INTEGER NOT NULL,
     config            TEXT NOT NULL,
     parent_run_id     TEXT REFERENCES runs (id) ON DELETE SET NULL,
     parent_iteration  INTEGER,
     error             TEXT,
     pid               INTEGER,
     created_at        TEXT NOT NULL,
     updated_at        TEXT NOT NULL
   );
   CREATE INDEX runs_project ON runs (project_id, created_at);
   CREATE TABLE snapshots (
     run_id          TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     iteration       INTEGER NOT NULL,
     created_at      TEXT NOT NULL,
     gaussians       INTEGER NOT NULL,
     splats_blob     TEXT NOT NULL,
     checkpoint_blob TEXT,
     thumbnail_blob  TEXT,
     metrics         TEXT NOT NULL,
     PRIMARY KEY (run_id, iteration)
   ) WITHOUT ROWID;
   CREATE TABLE assets (
     id          TEXT PRIMARY KEY,
     run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     iteration   INTEGER NOT NULL,
     format      TEXT NOT NULL,
     path        TEXT NOT NULL,
     bytes       INTEGER NOT NULL,
     created_at  TEXT NOT NULL
   );
   CREATE INDEX assets_run ON assets (run_id, created_at);`,
  // The studio: exports kept in the blob store (downloaded by the browser), and registered model pack folders.
  `ALTER TABLE assets ADD COLUMN blob TEXT;
   CREATE INDEX assets_blob ON assets (blob) WHERE blob IS NOT NULL;
   CREATE TABLE models (
     path      TEXT PRIMARY KEY,
     name      TEXT NOT NULL,
     added_at  TEXT NOT NULL
   );`,
  // Runs are stages (docs/architecture.md, "Runs are stages"): each snapshot records its stage and what its payload
  // holds; snapshots written before were all Gaussians of a run's only stage.
  `ALTER TABLE snapshots RENAME COLUMN splats_blob TO payload_blob;
   ALTER TABLE snapshots ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE snapshots ADD COLUMN payload_kind TEXT NOT NULL DEFAULT 'splats';`,
  // Image runs (docs/reference-images.md, "Image runs"): a run may have no prompt, and names its reference photo —
  // the original file in the blob store and its name (its preprocessing settings and camera are in the config).
  // SQLite cannot drop a NOT NULL, so the table is rebuilt with its rows (migrate() holds foreign keys off meanwhile).
  `CREATE TABLE runs_new (
     id                TEXT PRIMARY KEY,
     project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
     name              TEXT NOT NULL,
     status            TEXT NOT NULL,
     method            TEXT NOT NULL,
     prompt            TEXT,
     reference_blob    TEXT,
     reference_name    TEXT,
     seed              INTEGER NOT NULL,
     target_iterations INTEGER NOT NULL,
     config            TEXT NOT NULL,
     parent_run_id     TEXT REFERENCES runs (id) ON DELETE SET NULL,
     parent_iteration  INTEGER,
     error             TEXT,
     pid               INTEGER,
     created_at        TEXT NOT NULL,
     updated_at        TEXT NOT NULL,
     CHECK (prompt IS NOT NULL OR reference_blob IS NOT NULL)
   );
   INSERT INTO runs_new (id, project_id, name, status, method, prompt, seed, target_iterations, config, parent_run_id,
                         parent_iteration, error, pid, created_at, updated_at)
     SELECT id, project_id, name, status, method, prompt, seed, target_iterations, config, parent_run_id,
            parent_iteration, error, pid, created_at, updated_at FROM runs;
   DROP TABLE runs;
   ALTER TABLE runs_new RENAME TO runs;
   CREATE INDEX runs_project ON runs (project_id, created_at);
   CREATE INDEX runs_reference_blob ON runs (reference_blob) WHERE reference_blob IS NOT NULL;`,
  // The farm (docs/architecture.md, "The farm"): the worker running (or that last ran) a run; NULL for runs the
  // studio's own engine processes run, and for a farm run no worker has taken yet.
  `ALTER TABLE runs ADD COLUMN worker TEXT;`,
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs the migrations the database has not seen, each in its own IMMEDIATE transaction so two processes opening
 * the same file at once cannot both apply one. Returns how many ran.
 *
 * Foreign keys are off while they run (SQLite's procedure for rebuilding a table: with them on, dropping the old
 * table would cascade into the rows that refer to it), and each migration must leave none broken.
 */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number {
  if (schemaVersion(db) === migrations.length) return 0;
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    return applyMigrations(db, migrations);
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}

function applyMigrations(db: Database, migrations: readonly string[]): number {
  let applied = 0;
  for (;;) {
    const ran = db
      .transaction(() => {
        const version = schemaVersion(db);
        if (version > migrations.length) {
          throw new Error(
            `database schema version ${version} is newer than this Kiln understands (${migrations.length}); update Kiln`,
          );
        }
        if (version === migrations.length) return false;
        db.exec(migrations[version]!);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${version + 1} left ${broken.length} broken foreign key reference(s)`);
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })
      .immediate();
    if (!ran) return applied;
    applied++;
  }
}
