import { availableParallelism } from 'node:os';
import type { EngineInfo } from '../../shared/engine-info';
import { kilnVersion } from '../package-root';
import { loadNativeAddon } from '../render/native-addon';
import { describeOnnxRuntime } from './onnxruntime-info';

/** Gathers what the status bar shows. Loading onnxruntime or the addon may fail; that is reported, not thrown. */
export async function collectEngineInfo(home: string, farm = false): Promise<EngineInfo> {
  const ort = await describeOnnxRuntime();
  let nativeAddon: EngineInfo['nativeAddon'];
  try {
    nativeAddon = { version: loadNativeAddon().version(), error: null };
  } catch (err) {
    nativeAddon = { version: null, error: (err as Error).message };
  }
  return {
    kilnVersion: kilnVersion(),
    nodeVersion: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    onnxruntimeVersion: ort.version,
    onnxruntimeError: ort.error,
    executionProviders: ort.providers,
    cpuThreads: availableParallelism(),
    nativeAddon,
    home,
    farm,
  };
}
