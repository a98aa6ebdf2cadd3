// For scripts that need TypeScript modules of the repository: bundles `source` (re-exports, resolved from the
// repository root) with esbuild into one ESM file for plain Node at `outfile`, and imports it. Dependencies stay
// external and load from node_modules.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

export async function importBundled(source, outfile) {
  await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
