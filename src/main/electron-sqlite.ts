import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 is not Node-API: the binary in node_modules is built for the system Node (CLI, tests), so the
 * desktop app loads its own copy built for Electron's ABI by `npm run setup:electron-sqlite` (run by `npm start`).
 */
export function electronSqliteBinding(root: string): string | undefined {
  const file = join(root, '.electron-native', 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}
