// Regenerates resources/reference-samples (the sample reference photos) from the demo prior's objects:
// `node scripts/render-reference-samples.mjs`. Deterministic; see docs/reference-images.md#sample-photos.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const outfile = 'out/scripts/render-reference-samples.mjs';
await build({
  stdin: { contents: "export { writeReferenceSamples } from './src/core/diffusion/demo/reference-samples';", resolveDir: process.cwd(), loader: 'ts' },
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { writeReferenceSamples } = await import(pathToFileURL(outfile).href);
const written = await writeReferenceSamples('resources/reference-samples');
console.log(`wrote ${written.map((f) => `resources/reference-samples/${f}`).join(', ')}`);
