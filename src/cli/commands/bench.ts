import { BENCHMARKS } from '../bench/index';
import { JSON_OPTION, type Command } from '../command';

function benchList(): string {
  if (BENCHMARKS.length === 0) return '  (none yet)';
  return BENCHMARKS.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`).join('\n');
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run a benchmark and print its numbers (medians; --json for machines).',
  get usage() {
    return `kiln bench <name> [--json] [options]\n\nBenchmarks:\n${benchList()}`;
  },
  // Every benchmark's own options are accepted; each benchmark reads the ones it declared.
  get options() {
    return Object.assign({ ...JSON_OPTION }, ...BENCHMARKS.map((b) => b.options ?? {}));
  },
  async run({ values, positionals }, io) {
    const [name] = positionals;
    const bench = BENCHMARKS.find((b) => b.name === name);
    if (!bench) {
      io.err(`kiln bench: ${name ? `unknown benchmark "${name}"` : 'name a benchmark'}\n\nBenchmarks:\n${benchList()}\n`);
      return 2;
    }
    return bench.run({ values, json: Boolean(values.json) }, io);
  },
};
