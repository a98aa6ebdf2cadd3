import type { CliIo } from '../command';

/** One `kiln bench <name>` benchmark. Prints a human table, or with --json one JSON document. */
export interface Benchmark {
  name: string;
  summary: string;
  /** Extra options this benchmark accepts (parsed as strings/booleans by the bench command). */
  options?: Record<string, { type: 'string' | 'boolean' }>;
  run(args: { values: Record<string, unknown>; json: boolean }, io: CliIo): Promise<number>;
}
