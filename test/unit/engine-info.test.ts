import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEngineInfo } from '../../src/core/engine/engine-info';
import { describeOnnxRuntime } from '../../src/core/engine/onnxruntime-info';
import { kilnVersion, packageRoot } from '../../src/core/package-root';
import { EngineInfo } from '../../src/shared/engine-info';

function versionOf(manifest: string): string {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const requireFromHere = createRequire(import.meta.url);
const ortManifest = requireFromHere.resolve('onnxruntime-node/package.json');

describe('collectEngineInfo', () => {
  const home = '/some/kiln/home';
  let info: EngineInfo;

  beforeAll(async () => {
    info = await collectEngineInfo(home);
  });

  it('passes the EngineInfo schema', () => {
    expect(EngineInfo.parse(info)).toEqual(info);
  });

  it('reports Kiln from package.json', () => {
    expect(info.kilnVersion).toBe(versionOf(join(process.cwd(), 'package.json')));
    expect(info.kilnVersion).toBe(kilnVersion());
    expect(packageRoot()).toBe(process.cwd());
  });

  it('reports the installed onnxruntime-node without an error', () => {
    expect(info.onnxruntimeError).toBeNull();
    expect(info.onnxruntimeVersion).toBe(versionOf(ortManifest));
  });

  it('always lists the bundled CPU execution provider', () => {
    expect(info.executionProviders).toContainEqual({ name: 'cpu', bundled: true });
    const names = info.executionProviders.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reports the machine and the runtime', () => {
    expect(info.cpuThreads).toBeGreaterThanOrEqual(1);
    expect(info.cpuThreads).toBe(availableParallelism());
    expect(info.nodeVersion).toBe(process.versions.node);
    expect(info.platform).toBe(process.platform);
    expect(info.arch).toBe(process.arch);
    expect(info.home).toBe(home);
  });

  it('reports the loaded native addon', () => {
    expect(info.nativeAddon.error).toBeNull();
    expect(info.nativeAddon.version).not.toBeNull();
    expect(info.nativeAddon.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is JSON-serialisable as it crosses IPC and HTTP', () => {
    expect(EngineInfo.parse(JSON.parse(JSON.stringify(info)))).toEqual(info);
  });
});

describe('describeOnnxRuntime', () => {
  it('agrees with collectEngineInfo', async () => {
    const ort = await describeOnnxRuntime();
    const info = await collectEngineInfo('/x');
    expect(ort).toEqual({
      version: info.onnxruntimeVersion,
      error: info.onnxruntimeError,
      providers: info.executionProviders,
    });
  });
});
