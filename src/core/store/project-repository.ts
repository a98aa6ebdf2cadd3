import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { KilnError } from '../../shared/errors';
import type { Project } from '../../shared/projects';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
}

function toProject(row: ProjectRow): Project {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at, openedAt: row.opened_at };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The projects table. Names are unique without regard to case, because the CLI addresses projects by name. */
export class ProjectRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): Project[] {
    const rows = this.db
      .prepare('SELECT * FROM projects ORDER BY COALESCE(opened_at, updated_at) DESC, name COLLATE NOCASE')
      .all() as ProjectRow[];
    return rows.map(toProject);
  }

  get(id: string): Project {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    if (!row) throw new KilnError('not-found', `no project with id ${id}; it may have been deleted`);
    return toProject(row);
  }

  findByName(name: string): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE name = ? COLLATE NOCASE').get(name) as
      | ProjectRow
      | undefined;
    return row && toProject(row);
  }

  create(name: string): Project {
    const stamp = this.now().toISOString();
    const id = randomUUID();
    try {
      this.db
        .prepare('INSERT INTO projects (id, name, created_at, updated_at, opened_at) VALUES (?, ?, ?, ?, NULL)')
        .run(id, name, stamp, stamp);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.nameTaken(name);
      throw err;
    }
    return this.get(id);
  }

  rename(id: string, name: string): Project {
    let changes: number;
    try {
      changes = this.db
        .prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?')
        .run(name, this.now().toISOString(), id).changes;
    } catch (err) {
      if (isUniqueViolation(err)) throw this.nameTaken(name);
      throw err;
    }
    if (changes === 0) throw new KilnError('not-found', `no project with id ${id}; it may have been deleted`);
    return this.get(id);
  }

  markOpened(id: string): Project {
    const changes = this.db
      .prepare('UPDATE projects SET opened_at = ? WHERE id = ?')
      .run(this.now().toISOString(), id).changes;
    if (changes === 0) throw new KilnError('not-found', `no project with id ${id}; it may have been deleted`);
    return this.get(id);
  }

  delete(id: string): void {
    const changes = this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes;
    if (changes === 0) throw new KilnError('not-found', `no project with id ${id}; it may have been deleted`);
  }

  private nameTaken(name: string): KilnError {
    return new KilnError('conflict', `a project named "${name}" already exists; choose another name`);
  }
}
