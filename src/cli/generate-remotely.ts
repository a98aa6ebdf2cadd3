import type { Run } from '../shared/runs';
import type { CliIo } from './command';
import { RemoteStudio } from './remote-studio';
import { progressPrinter } from './run-progress';

export interface RemoteGenerate {
  server: string;
  fields: Record<string, unknown>;
  projectName: string;
  name?: string;
  detach: boolean;
  json: boolean;
}

/**
 * `kiln generate --server URL`: the run is created in that studio (and runs on its farm if it has one). With
 * --detach the run id is printed at once; otherwise progress is shown until the run ends, and Ctrl-C pauses it there.
 */
export async function generateRemotely(o: RemoteGenerate, io: CliIo): Promise<number> {
  const studio = new RemoteStudio(RemoteStudio.parseUrl(o.server), io.env.KILN_SERVE_TOKEN);
  const project = await studio.project(o.projectName);
  if (o.detach) {
    const run = await studio.startRun(project.id, o.fields, o.name);
    io.out(o.json ? JSON.stringify(run) + '\n' : `${run.id}\n`);
    return 0;
  }
  const write = o.json ? io.err : io.out;
  const printer = progressPrinter(write, io.isTTY === true && !o.json);
  let runId: string | undefined;
  let resolveEnd!: (run: Run) => void;
  const ended = new Promise<Run>((resolve) => (resolveEnd = resolve));
  const early: Run[] = [];
  const events = await studio.events((event) => {
    if (event.type === 'run.progress' && event.progress.runId === runId) printer.update(event.progress);
    if (event.type !== 'run.finished') return;
    if (runId === undefined) early.push(event.run); // finished before runs.start answered
    else if (event.run.id === runId) resolveEnd(event.run);
  });
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
    printer.end();
    write('Pausing the run after this iteration (press Ctrl-C again to leave it running and quit)…\n');
    if (runId) void studio.call('runs.stop', { runId, mode: 'pause' }).catch(() => {});
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = await studio.startRun(project.id, o.fields, o.name);
    runId = run.id;
    write(`Started run ${run.id} on ${studio.url} — "${run.prompt}" with ${run.method}, ${run.targetIterations} iterations\n`);
    const before = early.find((r) => r.id === run.id);
    if (before) resolveEnd(before);
    const done = await ended;
    printer.end();
    io.out(o.json ? JSON.stringify(done) + '\n' : `run ${done.id} "${done.prompt}" (${done.method}, seed ${done.seed}): ${done.status} at iteration ${done.lastIteration}/${done.targetIterations}${done.error ? ` — ${done.error}` : ''}\n`);
    return done.status === 'completed' ? 0 : done.status === 'failed' ? 1 : 130;
  } finally {
    printer.end();
    events.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
