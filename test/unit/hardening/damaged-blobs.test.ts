import { existsSync, readFileSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantinePath } from '../../../src/core/store/home-doctor';
import { openKilnStore } from '../../../src/core/store/kiln-store';
import { StudioService } from '../../../src/core/studio/studio-service';
import { startStudioServer, type RunningStudioServer } from '../../../src/server/studio-server';
import { kilnInProcess } from '../../helpers/kiln-in-process';
import { makeTempHome } from '../../helpers/temp-home';

// Finding 3 of issue 16: a blob with a few bytes flipped was exported and served as if nothing were wrong. Every
// read now hashes what it reads; the damage is reported with the run, the snapshot and the file, and `kiln doctor`
// finds it (and --repair sets it aside).
const temp = makeTempHome('kiln-damaged-blobs-');
let runId: string;
let damagedHash: string;
let damagedPath: string;

const kiln = (...argv: string[]) => kilnInProcess(temp.home, ...argv);

beforeAll(async () => {
  const generated = await kiln('generate', '--prompt', 'a mug', '--iters', '4', '--snapshot-every', '2', '--gaussians', '200', '--batch', '1', '--threads', '1', '--json');
  expect(generated.code, generated.err).toBe(0);
  runId = (JSON.parse(generated.out) as { id: string }).id;
  const store = openKilnStore(temp.home);
  try {
    damagedHash = store.runs.getSnapshot(runId, 4).payloadBlob;
    damagedPath = store.blobs.path(damagedHash);
  } finally {
    store.close();
  }
  const bytes = readFileSync(damagedPath);
  for (const at of [100, 101, 102]) bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(damagedPath, bytes);
}, 120_000);

afterAll(() => temp.cleanup());

describe('a damaged snapshot blob', () => {
  it('is refused by kiln export, naming the run, the snapshot and the file, and nothing is written', async () => {
    const out = join(temp.home, 'mug.ply');
    const result = await kiln('export', runId, '--out', out);
    expect(result.code).toBe(1);
    expect(result.err).toContain(damagedPath);
    expect(result.err).toContain(`run ${runId.slice(0, 8)} "a mug", snapshot at iteration 4`);
    expect(result.err).toMatch(/is damaged: its content hashes to/);
    expect(existsSync(out)).toBe(false);
    expect(result.out).not.toMatch(/Wrote/);
  });

  it('is not served by runs.export, snapshots.payload or /api/blobs', async () => {
    const service = new StudioService(temp.home);
    let server: RunningStudioServer | undefined;
    try {
      server = await startStudioServer(service, { port: 0, rendererDir: temp.home });
      const post = (method: string, body: unknown) => fetch(`${server!.url}/api/call/${method}`, { method: 'POST', body: JSON.stringify(body) });
      const exported = await post('runs.export', { runId, format: 'ply' });
      expect(exported.status).toBe(500);
      expect(((await exported.json()) as { error: { message: string } }).error.message).toContain('snapshot at iteration 4');
      expect((await post('snapshots.payload', { blob: damagedHash })).status).toBe(500);
      expect((await fetch(`${server.url}/api/blobs/${damagedHash}`)).status).toBe(500);
      // The undamaged snapshots still load.
      const earlier = service.store.runs.getSnapshot(runId, 2).payloadBlob;
      expect((await fetch(`${server.url}/api/blobs/${earlier}`)).status).toBe(200);
    } finally {
      await server?.close();
      service.close();
    }
  });

  it('kiln doctor reports it and an old orphan with what it would do, changes nothing, and --repair does it', async () => {
    const orphan = join(temp.home, 'blobs', 'ab', 'ab' + '0'.repeat(62));
    mkdirSync(join(temp.home, 'blobs', 'ab'), { recursive: true });
    writeFileSync(orphan, 'left behind');
    utimesSync(orphan, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

    const dry = await kiln('doctor');
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('database: integrity_check ok');
    expect(dry.out).toContain(`blob ${damagedPath} is damaged`);
    expect(dry.out).toContain(`run ${runId.slice(0, 8)} "a mug", snapshot at iteration 4`);
    expect(dry.out).toMatch(/would: move the file to .*quarantine, drop the snapshot/);
    expect(dry.out).toMatch(/1 blob .* no row refers to/);
    expect(existsSync(damagedPath) && existsSync(orphan)).toBe(true);

    const repaired = await kiln('doctor', '--repair', '--json');
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.out)).toMatchObject({ repaired: true, integrity: ['ok'] });
    expect(existsSync(damagedPath) || existsSync(orphan)).toBe(false);
    expect(existsSync(join(quarantinePath(temp.home), damagedHash))).toBe(true);
    const after = await kiln('doctor');
    expect(after.code, after.out).toBe(0);
    expect(after.out).toContain('Nothing to repair.');
    const exported = await kiln('export', runId, '--out', join(temp.home, 'mug.ply'), '--json');
    expect(exported.code, exported.err).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({ iteration: 2 }); // the newest intact snapshot
  });
});
