import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { BlobStore } from './blob-store';
import { openDatabase, type OpenDatabaseOptions } from './database';
import { databasePath } from './kiln-home';
import { ProjectRepository } from './project-repository';
import { RunRepository } from './run-repository';

/** Everything persistent in one Kiln home: the database with its repositories, and the blob files. */
export interface KilnStore {
  home: string;
  db: Database;
  projects: ProjectRepository;
  runs: RunRepository;
  blobs: BlobStore;
  close(): void;
}

export function blobsPath(home: string): string {
  return join(home, 'blobs');
}

export function openKilnStore(home: string, options: OpenDatabaseOptions = {}): KilnStore {
  const db = openDatabase(databasePath(home), options);
  const runs = new RunRepository(db);
  return {
    home,
    db,
    projects: new ProjectRepository(db),
    runs,
    blobs: new BlobStore(blobsPath(home), (hash) => (db.open ? runs.describeBlobUse(hash) : undefined)),
    close: () => db.close(),
  };
}
