import type { CliIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';

/** Runs `kiln ARGV` in this process against `home` (no terminal), capturing its exit code and output. */
export async function kilnInProcess(home: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { KILN_HOME: home }, isTTY: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}
