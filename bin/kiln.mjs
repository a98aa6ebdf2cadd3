#!/usr/bin/env node
// The `kiln` command: runs the CLI bundle that `npm run build` writes to out/cli.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/kiln.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(`kiln: the CLI is not built (${bundle} is missing); run "npm run build" first\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle).href);
await main();
