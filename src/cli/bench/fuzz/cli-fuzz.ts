import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type * as FastCheck from 'fast-check';
import { packageRoot } from '../../../core/package-root';
import type { Command } from '../../command';
import { branchCommand } from '../../commands/branch';
import { doctorCommand } from '../../commands/doctor';
import { exportCommand } from '../../commands/export';
import { generateCommand } from '../../commands/generate';
import { modelsCommand } from '../../commands/models';
import { projectsCommand } from '../../commands/projects';
import { resumeCommand } from '../../commands/resume';
import { runsCommand } from '../../commands/runs';
import { count, newTally, STACK_FRAME, type FuzzPools, type FuzzTally } from './fuzz-types';

/** Commands that end by themselves; serve, engine-run and bench run until told to stop or for minutes. */
const FUZZED_COMMANDS: Command[] = [generateCommand, runsCommand, resumeCommand, branchCommand, exportCommand, projectsCommand, modelsCommand, doctorCommand];
const ACTIONS: Record<string, string[]> = {
  runs: ['list', 'show', 'cancel'],
  projects: ['list', 'create', 'rename', 'delete'],
  models: ['list', 'inspect', 'tokenize'],
};
/** Long enough for a short run; a process still working then is killed (crash safety is part of what is checked). */
const CASE_TIMEOUT_MS = 30_000;
/** Exit codes of a command that ended well or with a clear refusal (130: a run stopped before its end). */
const CLEAR_EXITS = new Set([0, 1, 2, 130]);

interface CliCase {
  argv: string[];
}

function valueArbitrary(fc: typeof FastCheck, pools: FuzzPools, home: string): FastCheck.Arbitrary<string> {
  const pool = (values: () => readonly string[]) => fc.nat().map((i) => values()[i % Math.max(1, values().length)] ?? 'none');
  return fc.oneof(
    fc.constantFrom('', '0', '-1', '2', '0x10', '1e3', '16.0', '99999999999999999999', 'NaN', '{}', '{"cfgScale":3}', '[1]', '{', 'a mug', '雪だるま', '🎉🎉', 'x'.repeat(1000), '../../etc', '\ud800', 'demo', 'ply', 'glb'),
    pool(() => pools.runIds.map((id) => id.slice(0, 8))),
    pool(() => pools.projectNames),
    pool(() => pools.iterations.map(String)),
    fc.constantFrom(home, join(home, 'kiln.db'), '/nonexistent'),
    fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')),
  );
}

function caseArbitrary(fc: typeof FastCheck, pools: FuzzPools, home: string): FastCheck.Arbitrary<CliCase> {
  const value = valueArbitrary(fc, pools, home);
  return fc.constantFrom(...FUZZED_COMMANDS).chain((command) => {
    const name = command.name;
    const optionNames = Object.keys(command.options).filter((o) => o !== 'home' && o !== 'out');
    const option = fc.constantFrom(...optionNames).chain((o) =>
      command.options[o]!.type === 'boolean' ? fc.constant<string[]>([`--${o}`]) : value.map((v) => [`--${o}`, v]),
    );
    const actions = ACTIONS[name] ?? [];
    return fc
      .record({
        action: actions.length > 0 ? fc.oneof(fc.constantFrom(...actions), value) : fc.constant<string | undefined>(undefined),
        positionals: fc.array(value, { maxLength: 2 }),
        options: fc.array(option, { maxLength: 4 }),
        // Destinations stay inside the fuzzed home, whatever the extension.
        out: fc.option(fc.constantFrom('x.ply', 'x.spz', 'x.glb', 'x.sog', 'x.fbx', 'x'), { nil: undefined }),
      })
      .map(({ action, positionals, options, out }) => {
        const argv = [name, ...(action === undefined ? [] : [action]), ...positionals, ...options.flat()];
        if (out !== undefined && 'out' in command.options) argv.push('--out', join(home, 'out', out));
        // Runs the fuzz starts stay short; a later --iters wins over an earlier one.
        if (name === 'generate' || name === 'branch') argv.push('--iters', '2', '--gaussians', '100');
        if ('threads' in command.options) argv.push('--threads', '1');
        return { argv: [...argv, '--home', home] };
      });
  });
}

function runKiln(argv: string[]): Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'kiln.mjs'), ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CASE_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, timedOut });
    });
  });
}

/**
 * Property: every `kiln` command line drawn from the commands' own options (with nasty values, existing ids and
 * made-up ones) ends in success or a clear error: a known exit code, a message on a refusal, never a stack trace or an
 * "unexpected error" (a bug the error policy caught).
 */
export async function fuzzCli(fc: typeof FastCheck, home: string, pools: FuzzPools, numRuns: number, seed: number): Promise<FuzzTally> {
  const tally = newTally();
  const property = fc.asyncProperty(caseArbitrary(fc, pools, home), async ({ argv }) => {
    const { code, signal, stderr, timedOut } = await runKiln(argv);
    count(tally, timedOut ? 'killed at the time bound' : signal ? `signal ${signal}` : `exit ${code}`);
    const shown = `kiln ${argv.map((a) => JSON.stringify(a.length > 60 ? a.slice(0, 60) + '…' : a)).join(' ')}`;
    if (timedOut) return true;
    if (code === null || !CLEAR_EXITS.has(code)) tally.failures.push(`${shown} → exit ${code ?? signal}: ${stderr.slice(-300)}`);
    else if (STACK_FRAME.test(stderr)) tally.failures.push(`${shown} → a stack trace: ${stderr.slice(0, 600)}`);
    else if (/unexpected error/.test(stderr)) tally.failures.push(`${shown} → ${stderr.trim().slice(0, 400)}`);
    else if (code !== 0 && code !== 130 && stderr.trim() === '') tally.failures.push(`${shown} → exit ${code} without a message`);
    return true;
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: true });
  if (details.failed) tally.failures.push(`a case threw: ${String(details.errorInstance)}`);
  return tally;
}
