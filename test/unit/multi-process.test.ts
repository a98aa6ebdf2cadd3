import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/store/database';
import { databasePath } from '../../src/core/store/kiln-home';
import { MIGRATIONS, schemaVersion } from '../../src/core/store/migrations';
import { ProjectRepository } from '../../src/core/store/project-repository';
import { makeTempHome } from '../helpers/temp-home';

const CHILD_ROWS = 150;
const betterSqliteUrl = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;

/** The second process: opens the same file with plain better-sqlite3 and inserts rows one transaction at a time. */
function childProgram(file: string, rows: number): string {
  return `
import Database from ${JSON.stringify(betterSqliteUrl)};
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
const db = new Database(${JSON.stringify(file)});
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
const insert = db.prepare(
  'INSERT INTO projects (id, name, created_at, updated_at, opened_at) VALUES (?, ?, ?, ?, NULL)',
);
process.stdout.write('ready\\n');
for (let i = 0; i < ${rows}; i++) {
  const stamp = new Date().toISOString();
  insert.run(randomUUID(), 'child-' + String(i).padStart(4, '0'), stamp, stamp);
  await sleep(1);
}
db.close();
process.stdout.write('done\\n');
`;
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the database survives a second process opening it', () => {
  let home: string;
  let cleanup: () => void;
  let db: Database | undefined;

  beforeEach(() => {
    ({ home, cleanup } = makeTempHome('kiln-multiproc-'));
  });

  afterEach(() => {
    if (db?.open) db.close();
    cleanup();
  });

  it('interleaves writes from two processes without losing or corrupting anything', async () => {
    const file = databasePath(home);
    db = openDatabase(file);
    const repo = new ProjectRepository(db);
    repo.create('parent-before-child');

    const child = spawn(process.execPath, ['--input-type=module', '-e', childProgram(file, CHILD_ROWS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<ChildResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    let childRunning = true;
    void exited.finally(() => (childRunning = false));

    // Wait until the child holds the database open, then write from this process while it writes too.
    const readyBy = Date.now() + 20_000;
    while (!stdout.includes('ready') && childRunning && Date.now() < readyBy) await sleep(5);
    expect(stdout).toContain('ready');

    let parentRows = 0;
    while (childRunning) {
      repo.create(`parent-${String(parentRows).padStart(4, '0')}`);
      parentRows++;
      await sleep(1);
    }
    // A few more after the child has gone, through the same connection.
    for (let i = 0; i < 5; i++) repo.create(`parent-after-${i}`);

    const result = await exited;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('done');
    expect(parentRows).toBeGreaterThan(0);

    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);

    const names = (db.prepare('SELECT name FROM projects').all() as Array<{ name: string }>).map((r) => r.name);
    const childNames = names.filter((n) => n.startsWith('child-'));
    const parentNames = names.filter((n) => n.startsWith('parent-'));
    expect(childNames).toHaveLength(CHILD_ROWS);
    expect(new Set(childNames).size).toBe(CHILD_ROWS);
    expect(parentNames).toHaveLength(1 + parentRows + 5);
    expect(names).toHaveLength(CHILD_ROWS + 1 + parentRows + 5);

    // The writes really interleaved: some parent row landed between the child's first and last insert.
    const order = db.prepare('SELECT rowid AS r, name FROM projects ORDER BY rowid').all() as Array<{
      r: number;
      name: string;
    }>;
    const childPositions = order.flatMap((row, i) => (row.name.startsWith('child-') ? [i] : []));
    const firstChild = childPositions[0] ?? -1;
    const lastChild = childPositions[childPositions.length - 1] ?? -1;
    const parentInside = order.slice(firstChild, lastChild + 1).filter((row) => row.name.startsWith('parent-'));
    expect(parentInside.length).toBeGreaterThan(0);

    // The parent's repository still sees everything, and its constraints still hold across processes.
    expect(repo.list()).toHaveLength(names.length);
    expect(() => repo.create('CHILD-0000')).toThrow(/already exists/);
    expect(repo.findByName('child-0149')?.name).toBe('child-0149');
  });

  it('a second process reading the file while the parent holds it sees committed rows and a clean schema', async () => {
    const file = databasePath(home);
    db = openDatabase(file);
    const repo = new ProjectRepository(db);
    const created = repo.create(`visible-${randomUUID()}`);

    const code = `
import Database from ${JSON.stringify(betterSqliteUrl)};
const db = new Database(${JSON.stringify(file)});
db.pragma('busy_timeout = 5000');
const row = db.prepare('SELECT name FROM projects WHERE id = ?').get(${JSON.stringify(created.id)});
const check = db.pragma('integrity_check', { simple: true });
const version = db.pragma('user_version', { simple: true });
db.close();
process.stdout.write(JSON.stringify({ name: row?.name ?? null, check, version }));
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    expect(err).toBe('');
    expect(exitCode).toBe(0);
    expect(JSON.parse(out)).toEqual({ name: created.name, check: 'ok', version: MIGRATIONS.length });
  });
});
