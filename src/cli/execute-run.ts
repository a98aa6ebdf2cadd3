import { runSubject } from '../shared/runs';
import { availableParallelism } from 'node:os';
import { executeRun, type StopRequest } from '../core/pipeline/generation';
import { ResolvedRunConfig } from '../core/pipeline/run-config';
import { captionNote } from '../core/pipeline/text-teacher';
import type { KilnStore } from '../core/store/kiln-store';
import type { RunRecord } from '../core/store/run-repository';
import type { CliIo } from './command';
import { progressPrinter } from './run-progress';
import { threadsOption } from './run-options';

/** --threads (every core by default) and --json, checked before anything is recorded. */
export function executionOptions(values: Record<string, unknown>): { json: boolean; threads: number } {
  return { json: values.json === true, threads: threadsOption(values, availableParallelism()) };
}

/** Says what a new photo run does with its caption (text-teacher.ts captionNote), on stderr. */
export function printCaptionNote(run: RunRecord, io: CliIo): void {
  const config = ResolvedRunConfig.parse(run.config);
  const note = captionNote({ ...config, image: config.reference !== null });
  if (note !== null) io.err(`note: ${note}\n`);
}

export function runSummary(run: RunRecord): string {
  return `run ${run.id} "${runSubject(run)}" (${run.method}, seed ${run.seed}): ${run.status} at iteration ${run.lastIteration}/${run.targetIterations}`;
}

/**
 * Runs a recorded run in this process with a progress display. The first Ctrl-C (or SIGTERM) stops after the current
 * iteration with a snapshot, leaving a run `kiln resume` continues; a second one exits at once.
 */
export async function executeWithProgress(store: KilnStore, run: RunRecord, options: { json: boolean; threads: number }, io: CliIo): Promise<RunRecord> {
  const { json, threads } = options;
  const write = json ? io.err : io.out;
  const printer = progressPrinter(write, io.isTTY === true && !json);
  let stop: StopRequest = null;
  const onSignal = () => {
    if (stop !== null) process.exit(130);
    stop = 'pause';
    printer.end();
    write('Stopping after this iteration (press Ctrl-C again to quit at once)…\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  write(`${run.lastIteration > 0 ? 'Resuming' : 'Starting'} run ${run.id} — "${runSubject(run)}" with ${run.method}, ${run.targetIterations} iterations\n`);
  try {
    const done = await executeRun(
      { home: store.home, runs: store.runs, blobs: store.blobs, threads },
      run.id,
      {
        onProgress: (p) => printer.update(p),
        stopRequested: () => stop,
        progressIntervalMs: io.isTTY && !json ? 200 : 2000,
      },
    );
    printer.end();
    if (done.status === 'paused') write(`Stopped at iteration ${done.lastIteration}; continue with: kiln resume ${done.id.slice(0, 8)}\n`);
    return done;
  } finally {
    printer.end();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
