import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectKilnError } from '../helpers/expect-kiln-error';
import { openDatabase } from '../../src/core/store/database';
import { databasePath } from '../../src/core/store/kiln-home';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/core/store/migrations';
import { ProjectRepository } from '../../src/core/store/project-repository';
import { makeTempHome } from '../helpers/temp-home';

function schemaOf(db: Database): Array<{ type: string; name: string; sql: string | null }> {
  return db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all() as Array<{
    type: string;
    name: string;
    sql: string | null;
  }>;
}

/** A clock that advances one second per reading, so timestamps are distinct and ordered. */
function steppingClock(start = Date.parse('2024-03-01T12:00:00.000Z')): () => Date {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

let home: string;
let cleanup: () => void;
let file: string;
const open: Database[] = [];

function track(db: Database): Database {
  open.push(db);
  return db;
}

beforeEach(() => {
  ({ home, cleanup } = makeTempHome('kiln-store-'));
  file = databasePath(home);
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  cleanup();
});

describe('databasePath', () => {
  it('is kiln.db inside the home', () => {
    expect(databasePath('/some/home')).toBe(join('/some/home', 'kiln.db'));
  });
});

describe('openDatabase', () => {
  it('uses WAL journaling, foreign keys and a busy timeout', () => {
    const db = track(openDatabase(file));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('migrates a new database to the latest schema', () => {
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const names = schemaOf(db).map((row) => row.name);
    expect(names).toContain('projects');
    expect(names).toContain('projects_name_nocase');
  });

  it('is idempotent: migrating again applies nothing and leaves the schema unchanged', () => {
    const db = track(openDatabase(file));
    const before = schemaOf(db);
    expect(migrate(db)).toBe(0);
    expect(migrate(db)).toBe(0);
    expect(schemaOf(db)).toEqual(before);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('runs no migration when the same file is opened again', () => {
    const first = track(openDatabase(file));
    const before = schemaOf(first);
    first.close();

    const second = track(openDatabase(file));
    expect(schemaOf(second)).toEqual(before);
    expect(schemaVersion(second)).toBe(MIGRATIONS.length);
    expect(migrate(second)).toBe(0);
  });

  it('refuses a database written by a newer Kiln, saying so', () => {
    const raw = track(new BetterSqlite3(file));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();

    expectKilnError(() => openDatabase(file), 'storage', /newer/);
    expectKilnError(() => openDatabase(file), 'storage', /update Kiln/);

    // The refusal must not have touched the schema version.
    const check = track(new BetterSqlite3(file, { readonly: true }));
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
  });

  it('migrate() itself refuses a newer schema version', () => {
    const db = track(new BetterSqlite3(file));
    db.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    expect(() => migrate(db)).toThrow(/newer than this Kiln understands/);
  });

  it('applies exactly one more migration when the list grows by one', () => {
    const db = track(openDatabase(file));
    const extra = [...MIGRATIONS, 'CREATE TABLE future_things (id TEXT PRIMARY KEY, project_id TEXT NOT NULL);'];
    expect(migrate(db, extra)).toBe(1);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length + 1);
    expect(schemaOf(db).map((row) => row.name)).toContain('future_things');
    expect(migrate(db, extra)).toBe(0);
  });

  it('applies every migration from scratch and counts them', () => {
    const db = track(new BetterSqlite3(file));
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('rolls back a failing migration, keeping the previous version', () => {
    const db = track(openDatabase(file));
    const broken = [...MIGRATIONS, 'CREATE TABLE half (x); THIS IS NOT SQL;'];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(schemaOf(db).map((row) => row.name)).not.toContain('half');
  });

  it('reports an unopenable path as a storage error', () => {
    expectKilnError(() => openDatabase(join(home, 'missing-dir', 'kiln.db')), 'storage', /cannot open the Kiln database/);
  });
});

describe('ProjectRepository', () => {
  let db: Database;
  let repo: ProjectRepository;

  beforeEach(() => {
    db = track(openDatabase(file));
    repo = new ProjectRepository(db, steppingClock());
  });

  it('creates a project with a UUID and timestamps, and gets it back', () => {
    const project = repo.create('A red cube');
    expect(project.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(project).toEqual({
      id: project.id,
      name: 'A red cube',
      createdAt: '2024-03-01T12:00:00.000Z',
      updatedAt: '2024-03-01T12:00:00.000Z',
      openedAt: null,
    });
    expect(repo.get(project.id)).toEqual(project);
    expect(repo.findByName('a RED cube')).toEqual(project);
    expect(repo.findByName('nothing')).toBeUndefined();
  });

  it('lists projects, most recently opened or updated first', () => {
    expect(repo.list()).toEqual([]);
    const a = repo.create('Alpha');
    const b = repo.create('Beta');
    const c = repo.create('Gamma');
    expect(repo.list().map((p) => p.name)).toEqual(['Gamma', 'Beta', 'Alpha']);

    const openedA = repo.markOpened(a.id);
    expect(openedA.openedAt).not.toBeNull();
    expect(openedA.updatedAt).toBe(a.updatedAt);
    expect(repo.list().map((p) => p.id)).toEqual([a.id, c.id, b.id]);

    repo.rename(b.id, 'Beta 2');
    expect(repo.list().map((p) => p.name)).toEqual(['Beta 2', 'Alpha', 'Gamma']);
  });

  it('renames a project and bumps updatedAt only', () => {
    const p = repo.create('Old name');
    const renamed = repo.rename(p.id, 'New name');
    expect(renamed.name).toBe('New name');
    expect(renamed.createdAt).toBe(p.createdAt);
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThan(Date.parse(p.updatedAt));
    expect(repo.get(p.id).name).toBe('New name');
    expect(repo.findByName('Old name')).toBeUndefined();
  });

  it('lets a project change only the case of its own name', () => {
    const p = repo.create('teapot');
    expect(repo.rename(p.id, 'Teapot').name).toBe('Teapot');
  });

  it('deletes a project', () => {
    const keep = repo.create('Keep');
    const drop = repo.create('Drop');
    repo.delete(drop.id);
    expect(repo.list()).toEqual([keep]);
    expectKilnError(() => repo.get(drop.id), 'not-found', /no project with id/);
    // The name is free again.
    expect(repo.create('drop').name).toBe('drop');
  });

  it('keeps names unique without regard to case on create', () => {
    repo.create('Red Cube');
    expectKilnError(() => repo.create('Red Cube'), 'conflict', /already exists/);
    expectKilnError(() => repo.create('RED CUBE'), 'conflict', /"RED CUBE" already exists/);
    expectKilnError(() => repo.create('red cube'), 'conflict', /choose another name/);
    expect(repo.list()).toHaveLength(1);
  });

  it('keeps names unique without regard to case on rename', () => {
    repo.create('Sphere');
    const other = repo.create('Torus');
    expectKilnError(() => repo.rename(other.id, 'SPHERE'), 'conflict', /already exists/);
    expect(repo.get(other.id).name).toBe('Torus');
  });

  it('reports unknown ids as not-found', () => {
    repo.create('Existing');
    const id = randomUUID();
    expectKilnError(() => repo.get(id), 'not-found', new RegExp(id));
    expectKilnError(() => repo.rename(id, 'x'), 'not-found', new RegExp(id));
    expectKilnError(() => repo.markOpened(id), 'not-found', new RegExp(id));
    expectKilnError(() => repo.delete(id), 'not-found', new RegExp(id));
    expect(repo.list().map((p) => p.name)).toEqual(['Existing']);
  });

  it('stores names verbatim, quotes and SQL included', () => {
    const tricky = `Robert'); DROP TABLE projects;-- "x" ✓`;
    const p = repo.create(tricky);
    expect(repo.get(p.id).name).toBe(tricky);
    expect(repo.list()).toHaveLength(1);
  });

  it('persists data across close and reopen', () => {
    const a = repo.create('Persisted');
    const b = repo.create('Also persisted');
    repo.rename(b.id, 'Renamed persisted');
    repo.markOpened(a.id);
    const expected = repo.list();
    db.close();

    const reopened = track(openDatabase(file));
    const again = new ProjectRepository(reopened);
    expect(again.list()).toEqual(expected);
    expect(again.get(a.id).openedAt).not.toBeNull();
    expectKilnError(() => again.create('persisted'), 'conflict', /already exists/);
  });
});
