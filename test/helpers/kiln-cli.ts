import type { CliIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';

/** Runs `kiln ARGS…` in-process against a KILN_HOME, capturing its exit code, stdout and stderr. */
export function kilnIn(home: string) {
  return async (...argv: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { KILN_HOME: home }, isTTY: false };
    const code = await runCli(argv, io);
    return { code, out, err };
  };
}
