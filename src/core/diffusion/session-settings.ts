import { z } from 'zod';

export const EXECUTION_PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

/** How Kiln opens ONNX sessions. One place for the defaults (docs/conventions.md: settings are zod schemas). */
export const SessionSettings = z.object({
  /** `auto` picks CUDA → DirectML → CoreML → CPU from what onnxruntime-node offers. */
  executionProvider: z.enum(['auto', ...EXECUTION_PROVIDERS]).default('auto'),
  /** 0 lets onnxruntime choose (one thread per physical core). */
  intraOpNumThreads: z.number().int().nonnegative().default(0),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  enableMemPattern: z.boolean().default(true),
});
export type SessionSettings = z.infer<typeof SessionSettings>;
export type SessionSettingsInput = z.input<typeof SessionSettings>;
