import type { EngineInfo } from '../../shared/engine-info';

export interface OnnxRuntimeDescription {
  version: string | null;
  error: string | null;
  providers: EngineInfo['executionProviders'];
}

/** The onnxruntime-node version and the execution providers its binary was built with. */
export async function describeOnnxRuntime(): Promise<OnnxRuntimeDescription> {
  try {
    const ort = await import('onnxruntime-node');
    return {
      version: ort.env.versions.node ?? ort.env.versions.common ?? null,
      error: null,
      providers: ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })),
    };
  } catch (err) {
    return { version: null, error: `onnxruntime-node failed to load: ${(err as Error).message}`, providers: [] };
  }
}
