// Regenerates resources/reference-samples (the sample reference photos) from the demo prior's objects:
// `node scripts/render-reference-samples.mjs`. Deterministic; see docs/reference-images.md#sample-photos.
import { importBundled } from './import-bundled.mjs';

const { writeReferenceSamples } = await importBundled(
  "export { writeReferenceSamples } from './src/core/diffusion/demo/reference-samples';",
  'out/scripts/render-reference-samples.mjs',
);
const written = await writeReferenceSamples('resources/reference-samples');
console.log(`wrote ${written.map((f) => `resources/reference-samples/${f}`).join(', ')}`);
