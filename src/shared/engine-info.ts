import { z } from 'zod';

export const ExecutionProviderInfo = z.object({
  name: z.string(),
  /** true when the provider ships inside onnxruntime-node; false when it needs an extra install (CUDA on Linux). */
  bundled: z.boolean(),
});

export const EngineInfo = z.object({
  kilnVersion: z.string(),
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  onnxruntimeVersion: z.string().nullable(),
  /** Why onnxruntime could not be loaded, when it could not. */
  onnxruntimeError: z.string().nullable(),
  executionProviders: z.array(ExecutionProviderInfo),
  cpuThreads: z.number().int().positive(),
  nativeAddon: z.object({ version: z.string().nullable(), error: z.string().nullable() }),
  home: z.string(),
  /** Whether this studio has a farm (`kiln serve --farm`): runs can then go to its workers (`runs.start` runOn). */
  farm: z.boolean(),
});
export type EngineInfo = z.infer<typeof EngineInfo>;
