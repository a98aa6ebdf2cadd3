import { kilnVersion } from '../core/package-root';
import { commandHelp, parseCommandArgs, type CliIo } from './command';
import { COMMANDS } from './commands/index';
import { reportCommandFailure } from './error-policy';
import { kilnHomePath } from '../core/store/kiln-home';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `kiln ${kilnVersion()} — turn a prompt or a photo into a 3D asset\n\nUsage: kiln <command> [options]\n\nCommands:\n${rows}\n\nRun "kiln <command> --help" for a command's options.\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(kilnVersion() + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`kiln: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(command, rest);
  } catch (err) {
    io.err(`kiln ${name}: ${(err as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parsed, io);
  } catch (err) {
    return reportCommandFailure(name, err, kilnHomePath((parsed.values as Record<string, unknown>).home as string | undefined, io.env), io);
  }
}

export async function main(): Promise<void> {
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
