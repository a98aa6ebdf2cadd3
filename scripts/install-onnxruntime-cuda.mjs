// Opt-in: fetches onnxruntime's CUDA 12 execution-provider libraries for Linux x64 (npm ci skips them, see .npmrc).
// Needs network access and an NVIDIA driver with CUDA 12; Windows uses DirectML and macOS CoreML, which are bundled.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`setup:cuda is for Linux x64; this is ${process.platform}/${process.arch}, whose providers ship bundled.`);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const ortRoot = dirname(require.resolve('onnxruntime-node/package.json'));
const result = spawnSync(process.execPath, [join(ortRoot, 'script', 'install.js')], {
  cwd: ortRoot,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
});
if (result.status !== 0) {
  console.error('Installing the CUDA execution provider failed (see above). Kiln keeps working on the CPU provider.');
  process.exit(result.status ?? 1);
}
console.log('CUDA execution provider installed; Kiln will list "cuda" as installed in the status bar.');
