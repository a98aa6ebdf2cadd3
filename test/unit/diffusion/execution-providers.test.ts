import { describe, expect, it } from 'vitest';
import { chooseExecutionProviders, listBackends } from '../../../src/core/diffusion/execution-providers';
import { SessionSettings } from '../../../src/core/diffusion/session-settings';

const linuxCpuOnly = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
  { name: 'tensorrt', bundled: false },
];

describe('execution providers', () => {
  it('prefers CUDA → DirectML → CoreML → CPU among what is bundled', () => {
    const all = ['cpu', 'coreml', 'dml', 'cuda'].map((name) => ({ name, bundled: true }));
    expect(chooseExecutionProviders('auto', all)).toEqual({ providers: ['cuda', 'cpu'], warnings: [] });
    expect(chooseExecutionProviders('auto', all.filter((b) => b.name !== 'cuda')).providers).toEqual(['dml', 'cpu']);
    expect(chooseExecutionProviders('auto', [{ name: 'coreml', bundled: true }, { name: 'cpu', bundled: true }]).providers).toEqual(['coreml', 'cpu']);
    expect(chooseExecutionProviders('auto', linuxCpuOnly)).toEqual({ providers: ['cpu'], warnings: [] });
  });

  it('an explicit request of a missing provider falls back to CPU with a warning naming it', () => {
    const cuda = chooseExecutionProviders('cuda', linuxCpuOnly);
    expect(cuda.providers).toEqual(['cpu']);
    expect(cuda.warnings[0]).toMatch(/CUDA execution provider is not available.*setup:cuda.*using CPU/);
    const dml = chooseExecutionProviders('dml', linuxCpuOnly);
    expect(dml.providers).toEqual(['cpu']);
    expect(dml.warnings[0]).toMatch(/DirectML/);
    expect(chooseExecutionProviders('cpu', linuxCpuOnly)).toEqual({ providers: ['cpu'], warnings: [] });
  });

  it('reads the running onnxruntime-node and has settings defaults', async () => {
    const backends = await listBackends();
    expect(backends.some((b) => b.name === 'cpu' && b.bundled)).toBe(true);
    expect(SessionSettings.parse({})).toEqual({ executionProvider: 'auto', intraOpNumThreads: 0, graphOptimizationLevel: 'all', enableMemPattern: true });
  });
});
