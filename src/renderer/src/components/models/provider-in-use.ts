import type { EngineInfo } from '../../../../shared/engine-info';

/** The order the engine tries execution providers in when a pack asks for "auto" (docs/architecture.md, Model packs). */
const PREFERENCE = [
  { name: 'cuda', label: 'CUDA' },
  { name: 'dml', label: 'DirectML' },
  { name: 'coreml', label: 'CoreML' },
] as const;

/** The execution provider runs use: the first preferred one this onnxruntime-node ships, else the CPU. */
export function providerInUse(info: EngineInfo): string {
  if (info.onnxruntimeVersion === null) return 'none (ONNX Runtime did not load)';
  const shipped = new Set(info.executionProviders.filter((p) => p.bundled).map((p) => p.name));
  return PREFERENCE.find((p) => shipped.has(p.name))?.label ?? 'CPU';
}
