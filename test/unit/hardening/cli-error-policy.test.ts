import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKilnHome } from '../../../src/core/store/kiln-home';
import { StudioService } from '../../../src/core/studio/studio-service';
import { startStudioServer, type RunningStudioServer } from '../../../src/server/studio-server';
import { dispatch } from '../../../src/shared/dispatch';
import { reportCommandFailure } from '../../../src/cli/error-policy';
import { kilnProcess } from '../../helpers/kiln-process';
import { makeTempHome } from '../../helpers/temp-home';

// Finding 6 of issue 16: raw stack traces (EEXIST for a --home that is a file, ENOSPC while the demo pack builds),
// prompts the demo prior cannot read at all, and project names silently changed on the way in.
const temp = makeTempHome('kiln-error-policy-');
afterAll(() => temp.cleanup());

const STACK_LINE = /\n\s+at /;

function expectOneLine(stderr: string, message: RegExp) {
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(STACK_LINE);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('one error policy for every kiln command', () => {
  it('--home naming a file is a one-line error, for every command that opens a home', () => {
    const file = join(temp.home, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const args of [['projects'], ['runs'], ['doctor'], ['generate', '--prompt', 'a mug']]) {
      const result = kilnProcess([...args, '--home', file]);
      expect(result.code).toBe(1);
      expectOneLine(result.err, /the Kiln home .*not-a-folder is \(or is inside\) a file, not a folder/);
    }
  });

  it('an unexpected error (not a KilnError) prints one line and where the full trace was logged', () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => void (err += t), env: {} };
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')\nsecond line");
    expect(reportCommandFailure('runs', bug, join(temp.home, 'logged'), io)).toBe(1);
    expectOneLine(err, /^kiln runs: unexpected error: Cannot read properties of undefined \(reading 'x'\) \(the full trace is in .*kiln-errors\.log\)\n$/);
    const log = /the full trace is in (\S+)\)/.exec(err)![1]!;
    expect(log).toBe(join(temp.home, 'logged', 'logs', 'kiln-errors.log'));
    expect(readFileSync(log, 'utf8')).toContain(bug.stack!);
  });

  describe('a full disk while the demo pack is built', () => {
    const mountPoint = join(temp.home, 'small-disk');
    let mounted = false;
    beforeAll(() => {
      mkdirSync(mountPoint);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint], { stdio: 'ignore' });
        mounted = true;
      } catch {
        mounted = false; // needs root, as CI has
      }
    });
    afterAll(() => {
      if (mounted) execFileSync('umount', [mountPoint]);
    });

    it('says the disk is full in one line and logs the trace', (context) => {
      if (!mounted) return context.skip();
      const result = kilnProcess(['generate', '--prompt', 'a mug', '--iters', '2', '--threads', '1', '--home', join(mountPoint, 'home')]);
      expect(result.code).toBe(1);
      expectOneLine(result.err, /the disk is full; free some space and try again/);
      const logged = /the full trace is in (\S+)\)/.exec(result.err);
      expect(logged, 'the line names where the trace went').not.toBeNull();
      expect(existsSync(logged![1]!)).toBe(true);
    });
  });
});

describe('prompts the demo prior cannot read', () => {
  it.each(['雪だるま', '🎉🎉', 'a snowman 🎉'])('%s is refused like an unknown word, by the CLI and the studio check', async (prompt) => {
    const result = kilnProcess(['generate', '--prompt', prompt, '--home', join(temp.home, 'prompts')]);
    expect(result.code).toBe(1);
    expectOneLine(result.err, /the demo prior does not know ".+" in the prompt/);
    const service = new StudioService(resolveKilnHome(join(temp.home, 'prompts')));
    try {
      const check = await dispatch(service.handlers, 'prompts.check', { model: 'demo', prompt });
      expect(check).toMatchObject({ ok: true, result: { problem: expect.stringMatching(/does not know/) } });
    } finally {
      service.close();
    }
  });

  it('punctuation outside ASCII is not a word: "a snowman — side view" still runs', async () => {
    const service = new StudioService(join(temp.home, 'prompts'));
    try {
      expect(await dispatch(service.handlers, 'prompts.check', { model: 'demo', prompt: 'a snowman — side view' })).toMatchObject({ ok: true, result: { problem: null } });
    } finally {
      service.close();
    }
  });
});

describe('project names that would be silently changed', () => {
  let service: StudioService;
  let server: RunningStudioServer;
  beforeAll(async () => {
    mkdirSync(join(temp.home, 'names'));
    service = new StudioService(join(temp.home, 'names'));
    server = await startStudioServer(service, { port: 0, rendererDir: temp.home });
  });
  afterAll(async () => {
    await server.close();
    service.close();
  });

  const post = (body: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${server.url}/api/call/projects.create`);
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('a lone surrogate is refused over the API (it cannot be stored as UTF-8)', async () => {
    const reply = await post(Buffer.from('{"name":"snow\\ud800man"}'));
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/valid Unicode/);
  });

  it('a body that is not UTF-8 is refused, not decoded with replacement characters', async () => {
    const reply = await post(Buffer.concat([Buffer.from('{"name":"snow'), Buffer.from([0xff, 0xfe]), Buffer.from('man"}')]));
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/not valid UTF-8/);
    expect(service.projects.list()).toEqual([]);
  });

  it('an argument that is not UTF-8 is refused by the CLI', () => {
    // The raw bytes go through a shell: Node would re-encode a JavaScript string as valid UTF-8 when spawning.
    const home = join(temp.home, 'names-cli');
    const raw = execFileSync('sh', ['-c', `"${process.execPath}" bin/kiln.mjs projects create "$(printf 'bad\\377\\376')" --home "${home}" 2>&1; echo "exit $?"`], { encoding: 'utf8' });
    expect(raw).toMatch(/project name must be valid Unicode text[\s\S]*exit 1/);
    expect(kilnProcess(['projects', '--json', '--home', home]).out.trim()).toBe('[]');
  });
});
