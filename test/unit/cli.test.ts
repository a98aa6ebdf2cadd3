import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands/index';
import { runCli } from '../../src/cli/main';
import { databasePath } from '../../src/core/store/kiln-home';
import { Project } from '../../src/shared/projects';
import { makeTempHome } from '../helpers/temp-home';

interface Captured {
  code: number;
  out: string;
  err: string;
}

let home: string;
let cleanup: () => void;

async function kiln(argv: string[], env: NodeJS.ProcessEnv = { KILN_HOME: home }): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => void (out += text), err: (text) => void (err += text), env };
  const code = await runCli(argv, io);
  return { code, out, err };
}

async function listJson(argv: string[] = ['projects', '--json'], env?: NodeJS.ProcessEnv): Promise<Project[]> {
  const result = await kiln(argv, env);
  expect(result.code).toBe(0);
  expect(result.err).toBe('');
  return Project.array().parse(JSON.parse(result.out));
}

beforeEach(() => {
  ({ home, cleanup } = makeTempHome('kiln-cli-'));
});

afterEach(() => cleanup());

describe('kiln --help', () => {
  it.each([[['--help']], [['-h']], [['help']], [[]]])('%j lists every command with its summary', async (argv) => {
    const result = await kiln(argv);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toContain('Usage: kiln <command> [options]');
    for (const command of COMMANDS) {
      expect(result.out).toMatch(new RegExp(`^  ${command.name}\\s+`, 'm'));
      expect(result.out).toContain(command.summary);
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
    const result = await kiln(['--version']);
    expect(result).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it.each(COMMANDS.map((c) => [c.name]))('"%s --help" prints its usage and touches nothing', async (name) => {
    const result = await kiln([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toContain(`Usage: kiln ${name}`);
    expect(existsSync(databasePath(home))).toBe(false);
    const short = await kiln([name, '-h']);
    expect(short.out).toBe(result.out);
  });
});

describe('kiln argument errors', () => {
  it('rejects an unknown command with exit code 2, naming it', async () => {
    const result = await kiln(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain('unknown command "frobnicate"');
    expect(result.err).toContain('Usage: kiln <command>');
  });

  it('rejects an unknown flag with exit code 2, naming it and showing the usage', async () => {
    const result = await kiln(['projects', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--bogus');
    expect(result.err).toContain('Usage: kiln projects');
    expect(existsSync(databasePath(home))).toBe(false);
  });

  it('rejects an unknown projects action with exit code 2', async () => {
    const result = await kiln(['projects', 'explode']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown action "explode"');
  });

  it('rejects "serve --port 99999" with exit code 2 before opening anything', async () => {
    const result = await kiln(['serve', '--port', '99999']);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'kiln serve: --port must be an integer from 0 to 65535, got 99999\n',
    });
    expect(existsSync(databasePath(home))).toBe(false);
  });

  it.each([['99999'], ['-1'], ['abc'], ['1.5'], ['0x10'], ['1e3'], ['']])('rejects serve --port %s with exit code 2', async (port) => {
    const result = await kiln(['serve', `--port=${port}`]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--port');
    expect(result.err).toContain('0 to 65535');
    expect(result.err).toContain(port);
    expect(result.out).toBe('');
  });
});

describe('kiln projects', () => {
  it('says there are no projects in a fresh home', async () => {
    const result = await kiln(['projects']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('No projects yet');
    expect(await listJson()).toEqual([]);
  });

  it('creates a project and lists it as JSON and as a table', async () => {
    const created = await kiln(['projects', 'create', 'A red cube']);
    expect(created.code).toBe(0);
    expect(created.err).toBe('');
    expect(created.out).toMatch(/^Created project "A red cube" \([0-9a-f-]{36}\)\n$/);
    expect(existsSync(databasePath(home))).toBe(true);

    const projects = await listJson();
    expect(projects).toHaveLength(1);
    expect(projects[0]?.name).toBe('A red cube');
    expect(created.out).toContain(projects[0]?.id ?? 'missing id');

    const table = await kiln(['projects', 'list']);
    expect(table.out).toMatch(/^NAME\s+UPDATED\s+ID\n/);
    expect(table.out).toContain('A red cube');
  });

  it('prints the created project as JSON with --json', async () => {
    const created = await kiln(['projects', 'create', '  Spaced out  ', '--json']);
    expect(created.code).toBe(0);
    const project = Project.parse(JSON.parse(created.out));
    expect(project.name).toBe('Spaced out');
    expect(await listJson()).toEqual([project]);
  });

  it('renames a project by name', async () => {
    await kiln(['projects', 'create', 'A red cube']);
    const renamed = await kiln(['projects', 'rename', 'A red cube', 'Blue sphere']);
    expect(renamed.code).toBe(0);
    expect(renamed.err).toBe('');
    expect(renamed.out).toContain('Renamed project "Blue sphere"');
    expect((await listJson()).map((p) => p.name)).toEqual(['Blue sphere']);
  });

  it('finds projects by name without regard to case', async () => {
    await kiln(['projects', 'create', 'A red cube']);
    expect((await kiln(['projects', 'rename', 'a RED cube', 'Cube'])).code).toBe(0);
    expect((await kiln(['projects', 'delete', 'CUBE'])).code).toBe(0);
    expect(await listJson()).toEqual([]);
  });

  it('refuses a duplicate name with exit code 1 and the conflict message', async () => {
    expect((await kiln(['projects', 'create', 'A red cube'])).code).toBe(0);
    const duplicate = await kiln(['projects', 'create', 'a red CUBE']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.out).toBe('');
    expect(duplicate.err).toContain('kiln projects:');
    expect(duplicate.err).toContain('already exists');
    expect(await listJson()).toHaveLength(1);
  });

  it('refuses renaming onto another project name with exit code 1', async () => {
    await kiln(['projects', 'create', 'One']);
    await kiln(['projects', 'create', 'Two']);
    const result = await kiln(['projects', 'rename', 'Two', 'one']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('already exists');
    expect((await listJson()).map((p) => p.name).sort()).toEqual(['One', 'Two']);
  });

  it.each([
    ['an empty name', ['projects', 'create', ''], 'must not be empty'],
    ['no name', ['projects', 'create'], 'must be a string'],
    ['a control character', ['projects', 'create', 'bad\u0007name'], 'control characters'],
    ['an over-long name', ['projects', 'create', 'n'.repeat(121)], 'at most 120'],
  ])('refuses %s with exit code 1', async (_label, argv, message) => {
    const result = await kiln(argv);
    expect(result.code).toBe(1);
    expect(result.err).toContain(message);
    expect(await listJson()).toEqual([]);
  });

  it('deletes a project by name', async () => {
    await kiln(['projects', 'create', 'Doomed']);
    await kiln(['projects', 'create', 'Kept']);
    const deleted = await kiln(['projects', 'delete', 'Doomed']);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toBe('Deleted project "Doomed"\n');
    expect((await listJson()).map((p) => p.name)).toEqual(['Kept']);
  });

  it('refuses deleting or renaming a project that does not exist with exit code 1', async () => {
    const deleted = await kiln(['projects', 'delete', 'Ghost']);
    expect(deleted.code).toBe(1);
    expect(deleted.err).toContain('no project named "Ghost"');
    const renamed = await kiln(['projects', 'rename', 'Ghost', 'Spirit']);
    expect(renamed.code).toBe(1);
    expect(renamed.err).toContain('no project named "Ghost"');
    const noName = await kiln(['projects', 'delete']);
    expect(noName.code).toBe(1);
  });

  it('lets --home override KILN_HOME', async () => {
    const other = makeTempHome('kiln-cli-other-');
    try {
      const env = { KILN_HOME: home };
      const created = await kiln(['projects', 'create', 'Elsewhere', '--home', other.home], env);
      expect(created.code).toBe(0);
      expect(existsSync(databasePath(other.home))).toBe(true);
      expect((await listJson(['projects', '--json', '--home', other.home], env)).map((p) => p.name)).toEqual([
        'Elsewhere',
      ]);
      expect(await listJson(['projects', '--json'], env)).toEqual([]);
    } finally {
      other.cleanup();
    }
  });

  it('creates the --home folder when it does not exist', async () => {
    const nested = join(home, 'deeper', 'still');
    expect((await kiln(['projects', 'create', 'Nested', '--home', nested])).code).toBe(0);
    expect(existsSync(databasePath(nested))).toBe(true);
  });
});

describe('kiln serve on a port that is taken', () => {
  it('says so clearly and exits 1 instead of crashing', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await kiln(['serve', `--port=${port}`]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`port ${port}`);
      expect(result.err).toContain('already in use');
      expect(result.err).toContain('--port');
    } finally {
      blocker.close();
    }
  });
});
