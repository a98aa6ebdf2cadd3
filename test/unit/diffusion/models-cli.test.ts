import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/command';
import { makeTempHome } from '../../helpers/temp-home';
import { CLIP_TESTDATA } from './paths';

const temp = makeTempHome('kiln-cli-models-');
afterAll(temp.cleanup);

async function kiln(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), env: { KILN_HOME: temp.home } };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('kiln models', () => {
  it('lists the demo packs as not built in a fresh home', async () => {
    const r = await kiln('models', 'list', '--json');
    expect(r.code).toBe(0);
    const packs = JSON.parse(r.out) as { name: string; built: boolean }[];
    expect(packs.map((p) => [p.name, p.built])).toEqual([
      ['demo-latent', false],
      ['demo-pixel', false],
      ['demo-view', false],
    ]);
  });

  it('builds, lists and inspects a demo pack', async () => {
    const built = await kiln('models', 'build-demo', '--kind', 'latent');
    expect(built.code).toBe(0);
    expect(built.out).toMatch(/Built the latent demo prior in .*demo-latent/);
    expect((await kiln('models')).out).toMatch(/demo-latent\s+text-to-image/);
    const inspect = await kiln('models', 'inspect', 'demo', '--kind', 'latent', '--json');
    expect(inspect.code).toBe(0);
    const info = JSON.parse(inspect.out);
    expect(info).toMatchObject({ kind: 'text-to-image', resolution: 64, latentShape: [4, 32, 32], latent: true, scalingFactor: 0.5 });
    expect(info.providersAvailable).toContain('cpu');
    expect(info.prompts).toContain('a red cube');
    expect(info.models.unet.inputs.map((i: { name: string; type: string }) => `${i.name}:${i.type}`)).toEqual([
      'sample:float32',
      'timestep:int64',
      'encoder_hidden_states:float32',
    ]);
    const text = await kiln('models', 'inspect', join(temp.home, 'models', 'demo-latent'), '--provider', 'cuda');
    expect(text.out).toMatch(/Resolution {2}64×64, sample 4×32×32/);
    expect(text.out).toMatch(/warning: CUDA execution provider is not available/);
  });

  it('build-demo --out writes elsewhere; a bad --kind is a clear error', async () => {
    const out = join(temp.home, 'elsewhere');
    expect((await kiln('models', 'build-demo', '--kind', 'pixel', '--out', out)).out).toContain(out);
    const bad = await kiln('models', 'build-demo', '--kind', 'voxel');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--kind must be one of pixel, latent, view/);
  });

  it('tokenizes with ids, count and truncation', async () => {
    const r = await kiln('models', 'tokenize', '--tokenizer', CLIP_TESTDATA, '--json', '--', 'a photo of a cat');
    expect(JSON.parse(r.out)).toMatchObject({ ids: [49406, 320, 1125, 539, 320, 2368, 49407], count: 7, truncated: false });
    const long = await kiln('models', 'tokenize', '--tokenizer', CLIP_TESTDATA, '--', 'cat '.repeat(100));
    expect(long.out).toMatch(/77 tokens \(truncated/);
    const missing = await kiln('models', 'tokenize', '--tokenizer', join(temp.home, 'none'), '--', 'x');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/vocab\.json is missing/);
  });

  it('inspecting a damaged path names the problem; --help prints the usage', async () => {
    const r = await kiln('models', 'inspect', temp.home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/model_index\.json is missing/);
    const help = await kiln('models', '--help');
    expect(help.out).toMatch(/kiln models tokenize --tokenizer DIR/);
    expect((await kiln('bench', '--help')).out).toMatch(/unet/);
  });
});
