import { availableParallelism } from 'node:os';
import { KilnError } from '../../shared/errors';
import { executeRun, type StopRequest } from '../../core/pipeline/generation';
import type { EngineMessage, HostMessage } from '../../core/studio/engine-launcher';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, type Command } from '../command';
import { threadsOption } from '../run-options';

/**
 * The engine process behind `kiln serve` (and the desktop app): runs one run and reports over the IPC channel.
 * If its host goes away the run pauses at the next iteration, so nothing is lost.
 */
export const engineRunCommand: Command = {
  name: 'engine-run',
  summary: '(internal) Run one recorded run as an engine process reporting to its host over IPC.',
  usage: 'kiln engine-run RUN [--threads N] [--home DIR]',
  options: { threads: { type: 'string' }, ...HOME_OPTION },
  async run({ values, positionals }, io) {
    const [runId] = positionals;
    if (!runId) throw new KilnError('invalid-request', 'give a run id');
    const send = (m: EngineMessage) =>
      new Promise<void>((resolve) => (process.connected ? process.send!(m, undefined, {}, () => resolve()) : resolve()));
    let stop: StopRequest = null;
    const onMessage = (m: unknown) => {
      if ((m as HostMessage).type === 'stop') stop = (m as HostMessage).mode;
    };
    const onDisconnect = () => (stop ??= 'pause');
    process.on('message', onMessage);
    process.on('disconnect', onDisconnect);
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const done = await executeRun(
        { home: store.home, runs: store.runs, blobs: store.blobs, threads: threadsOption(values, availableParallelism()) },
        runId,
        {
          onProgress: (progress) => void send({ type: 'progress', progress }),
          onSnapshot: ({ checkpointBlob: _, ...snapshot }) => void send({ type: 'snapshot', snapshot }),
          stopRequested: () => stop,
        },
      );
      await send({ type: 'finished', run: withoutPid(done) });
      return 0;
    } catch (err) {
      await send({ type: 'finished', run: withoutPid(store.runs.getRun(runId)) });
      if (err instanceof KilnError) throw err;
      io.err(`${(err as Error).stack ?? String(err)}\n`);
      return 1;
    } finally {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      store.close();
      if (process.connected) process.disconnect();
    }
  },
};

const withoutPid = <T extends { pid: unknown }>({ pid: _, ...rest }: T) => rest;
