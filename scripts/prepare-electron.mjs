// Makes the desktop app runnable: checks the Electron binary and builds better-sqlite3 for Electron's ABI into
// .electron-native/ — a separate copy, so node_modules keeps the build the CLI and tests use with the system Node.
// Kiln's own addon and onnxruntime-node are Node-API and load in both runtimes unchanged.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const force = process.argv.includes('--force');
const outDir = join(root, '.electron-native');
const target = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');

const readVersion = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
const electronVersion = readVersion('electron');
const sqliteVersion = readVersion('better-sqlite3');

try {
  require('electron');
} catch {
  console.error(
    'The Electron binary is not installed (it is skipped on machines without access to its download host).\n' +
      'On a desktop machine run: node node_modules/electron/install.js',
  );
  process.exit(1);
}

const stamp = JSON.stringify({ electronVersion, sqliteVersion, platform: process.platform, arch: process.arch });
if (!force && existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} into .electron-native/ …`);
const work = join(outDir, 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, {
  recursive: true,
  filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
});
// A nodedir from the user's npm config would point node-gyp at the system Node's headers instead of Electron's.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'));
const nodeGyp = join(dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
const result = spawnSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
  { cwd: work, stdio: 'inherit', env },
);
if (result.status !== 0) {
  console.error('Building better-sqlite3 for Electron failed (see above); the CLI and `kiln serve` are unaffected.');
  process.exit(result.status ?? 1);
}
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
writeFileSync(stampFile, stamp);
rmSync(work, { recursive: true, force: true });
console.log(`Electron's better-sqlite3 is at ${target}`);
