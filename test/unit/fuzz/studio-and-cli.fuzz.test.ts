import { describe, expect, it } from 'vitest';
import { describeFuzzReport } from '../../../src/cli/bench/fuzz';
import { runFuzz } from '../../../src/cli/bench/fuzz/run-fuzz';

// Issue 16's fuzz suite, bounded for CI (about a minute on two shared cores; `kiln bench fuzz --cases N` runs
// longer). Each StudioApi request is drawn from its method's own schema (valid, near-valid and junk) and sent to a
// real `kiln serve`; each command line from the commands' own options is run as a real `kiln` process. Every case
// must end in success or a clear error, the server must keep answering and end cleanly, and the database must pass
// PRAGMA integrity_check. A new seed each run widens the search; a failure prints its seed for `--seed`.
const API_CASES = 120;
const CLI_CASES = 30;
const seed = Number(process.env.KILN_FUZZ_SEED ?? Date.now() % 2 ** 31);

describe('fuzz: the StudioApi and the CLI end every case in success or a clear error', () => {
  it(`${API_CASES} StudioApi and ${CLI_CASES} command-line cases`, async () => {
    const report = await runFuzz({ apiCases: API_CASES, cliCases: CLI_CASES, seed });
    console.log(describeFuzzReport(report));
    expect(report.api.cases).toBe(API_CASES);
    expect(report.cli.cases).toBe(CLI_CASES);
    expect([...report.api.failures, ...report.cli.failures], `seed ${seed}`).toEqual([]);
    expect(report.integrity).toBe('ok');
    // The cases reached the handlers, not only the validation.
    expect(report.api.outcomes.ok ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
