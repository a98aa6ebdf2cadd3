import type { Database } from 'better-sqlite3';

export interface ModelRecord {
  /** The pack folder, absolute; also the model's id in run requests. */
  path: string;
  name: string;
  addedAt: string;
}

interface ModelRow {
  path: string;
  name: string;
  added_at: string;
}

/** The model pack folders an artist registered in the studio (the built-in demo priors are not stored). */
export class ModelRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): ModelRecord[] {
    const rows = this.db.prepare('SELECT * FROM models ORDER BY added_at, path').all() as ModelRow[];
    return rows.map((r) => ({ path: r.path, name: r.name, addedAt: r.added_at }));
  }

  get(path: string): ModelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE path = ?').get(path) as ModelRow | undefined;
    return row && { path: row.path, name: row.name, addedAt: row.added_at };
  }

  /** Registers a folder; registering it again keeps the first record. */
  add(path: string, name: string): ModelRecord {
    this.db.prepare('INSERT OR IGNORE INTO models (path, name, added_at) VALUES (?, ?, ?)').run(path, name, this.now().toISOString());
    return this.get(path)!;
  }

  /** Returns whether the folder was registered. */
  remove(path: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE path = ?').run(path).changes > 0;
  }
}
