// Bundles the `kiln` CLI (and with it src/core and src/server) into one ESM file for plain Node.
// Dependencies stay external: native modules (better-sqlite3, onnxruntime-node) must load from node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'out/cli/kiln.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
