import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether standard output is a terminal (progress bars) or a pipe (plain lines). */
  isTTY?: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code; long-running commands resolve when they are told to stop. */
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

export const HOME_OPTION = { home: { type: 'string' } } as const;
export const JSON_OPTION = { json: { type: 'boolean' } } as const;

export function parseCommandArgs(command: Command, argv: string[]) {
  return parseArgs({
    args: argv,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
}

export function commandHelp(command: Command): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n`;
}
