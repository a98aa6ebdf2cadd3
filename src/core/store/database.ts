import BetterSqlite3, { type Database } from 'better-sqlite3';
import { KilnError } from '../../shared/errors';
import { migrate } from './migrations';

export interface OpenDatabaseOptions {
  /** Path of a better_sqlite3.node built for a different runtime (Electron); default: the one next to the package. */
  nativeBinding?: string;
  readonly?: boolean;
}

/** Opens (creating if needed) a Kiln database: WAL, foreign keys, a busy timeout for other processes, migrated. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  let db: Database;
  try {
    db = new BetterSqlite3(file, {
      readonly: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new KilnError('storage', `cannot open the Kiln database at ${file}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw new KilnError('storage', `cannot prepare the Kiln database at ${file}: ${(err as Error).message}`);
  }
}
