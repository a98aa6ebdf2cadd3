import { EXECUTION_PROVIDERS, type ExecutionProviderName, type SessionSettings } from './session-settings';

/** What onnxruntime-node's listSupportedBackends() reports. */
export interface BackendInfo {
  name: string;
  bundled: boolean;
}

export interface ProviderChoice {
  /** Providers to pass to the session, best first; always ends with cpu. */
  providers: ExecutionProviderName[];
  /** Human-readable notes for the user (a requested provider that is missing, and what is used instead). */
  warnings: string[];
}

const PROVIDER_LABEL: Record<ExecutionProviderName, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' };

/**
 * A backend is usable when this onnxruntime-node binary ships it. CUDA on Linux is listed with bundled: false until
 * `npm run setup:cuda` installs its libraries, so `bundled` is the test.
 */
export function availableProviders(backends: readonly BackendInfo[]): ExecutionProviderName[] {
  const usable = new Set(backends.filter((b) => b.bundled).map((b) => b.name));
  return EXECUTION_PROVIDERS.filter((p) => p === 'cpu' || usable.has(p));
}

export function chooseExecutionProviders(
  requested: SessionSettings['executionProvider'],
  backends: readonly BackendInfo[],
): ProviderChoice {
  const available = availableProviders(backends);
  const withCpuFallback = (p: ExecutionProviderName): ExecutionProviderName[] => (p === 'cpu' ? ['cpu'] : [p, 'cpu']);
  if (requested === 'auto') return { providers: withCpuFallback(available[0]!), warnings: [] };
  if (available.includes(requested)) return { providers: withCpuFallback(requested), warnings: [] };
  const listed = backends.some((b) => b.name === requested);
  const hint = requested === 'cuda' && listed ? ' (its libraries are not installed; run "npm run setup:cuda")' : '';
  return {
    providers: ['cpu'],
    warnings: [`${PROVIDER_LABEL[requested]} execution provider is not available in this onnxruntime-node${hint}; using CPU`],
  };
}

export async function listBackends(): Promise<BackendInfo[]> {
  const ort = await import('onnxruntime-node');
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}
