import { availableParallelism } from 'node:os';
import { KilnError } from '../../shared/errors';
import { executeRun, type StopRequest } from '../../core/pipeline/generation';
import type { EngineMessage } from '../../core/studio/engine-launcher';
import { toWireRun, toWireSnapshot } from '../../core/studio/wire';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, type Command } from '../command';
import { engineTransport } from '../engine-transport';
import { threadsOption } from '../run-options';

/** How often the UI gets the live model (Gaussians or mesh) and the method's x̂₀ preview while a run trains. */
const LIVE_INTERVAL_MS = 1000;

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
    const transport = engineTransport();
    const send = (m: EngineMessage) => transport.send(m);
    let stop: StopRequest = null;
    let liveInFlight = false;
    transport.onMessage((m) => {
      if (m.type === 'stop') stop = m.mode;
    });
    transport.onHostGone(() => (stop ??= 'pause'));
    // In the desktop app the engine runs on Electron's Node, which needs better-sqlite3 built for Electron's ABI.
    const nativeBinding = io.env.KILN_SQLITE_BINDING || undefined;
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env), { nativeBinding });
    try {
      const done = await executeRun(
        { home: store.home, runs: store.runs, blobs: store.blobs, threads: threadsOption(values, availableParallelism()) },
        runId,
        {
          onProgress: (progress) => void send({ type: 'progress', progress }),
          onSnapshot: (snapshot) => void send({ type: 'snapshot', snapshot: toWireSnapshot(snapshot) }),
          onLivePayload: ({ iteration, stage, kind, size, payload }) => {
            // A host that has not taken the last one yet gets none: the live model is a view, never a queue.
            if (liveInFlight) return;
            liveInFlight = true;
            const payloadBase64 = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
            const message: EngineMessage =
              kind === 'mesh' ? { type: 'mesh', runId, iteration, stage, faces: size, payloadBase64 } : { type: 'splats', runId, iteration, gaussians: size, payloadBase64 };
            void send(message).finally(() => (liveInFlight = false));
          },
          liveIntervalMs: LIVE_INTERVAL_MS,
          stopRequested: () => stop,
        },
      );
      await send({ type: 'finished', run: toWireRun(done) });
      return 0;
    } catch (err) {
      // The row can be gone (its project deleted by hand meanwhile): then the host records the exit instead.
      const run = store.runs.runIfPresent(runId);
      if (run) await send({ type: 'finished', run: toWireRun(run) });
      if (err instanceof KilnError) throw err;
      io.err(`${(err as Error).stack ?? String(err)}\n`);
      return 1;
    } finally {
      store.close();
      transport.close();
    }
  },
};
