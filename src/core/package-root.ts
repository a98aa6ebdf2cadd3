import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding Kiln's package.json. Code runs from src/ (tests), out/cli (the CLI bundle) and out/main
 * (Electron), so paths to native builds and resources are found by walking up rather than by a fixed depth.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  if (cached) return cached;
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === 'kiln') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Kiln's package.json above ${from}`);
    dir = parent;
  }
}

export function kilnVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
