import { availableParallelism, hostname } from 'node:os';
import { KilnError } from '../../shared/errors';
import { farmToken } from '../../core/farm/farm-auth';
import { farmRedisUrl } from '../../core/farm/farm-queue';
import { FarmWorker } from '../../core/farm/farm-worker';
import { EXECUTION_PROVIDERS } from '../../core/diffusion/session-settings';
import type { ExecutionProviderChoice } from '../../core/pipeline/generation';
import { ensureDemoPack } from '../../core/diffusion/demo/build-demo-pack';
import { DEMO_MODELS } from '../../core/pipeline/open-run-prior';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { HOME_OPTION, type Command } from '../command';
import { threadsOption, wholeNumberOption } from '../run-options';

const GPU_CHOICES = ['auto', ...EXECUTION_PROVIDERS] as const;
const DEFAULT_LOCK_SECONDS = 30;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Take generation runs from a farm queue (a studio started with "kiln serve --farm") and run them here.',
  usage: `kiln worker --queue redis://HOST:PORT [--concurrency N] [--gpu auto|cpu|cuda|dml|coreml] [--threads N]
                   [--models DIR] [--token TOKEN] [--lock-seconds N] [--home DIR]

  --queue URL        the farm's Redis (the same URL as the studio's --farm)
  --concurrency N    runs at once (default 1; one per GPU is the usual choice)
  --gpu P            ONNX Runtime execution provider (default auto: CUDA → DirectML → CoreML → CPU)
  --threads N        CPU threads per run (default: the cores divided by the concurrency)
  --models DIR       where this worker keeps model packs, by folder name (default: the studio's path to the pack)
  --token TOKEN      the farm token shared with the studio (default $KILN_FARM_TOKEN)
  --lock-seconds N   a worker silent this long is presumed gone and its runs resume elsewhere (default ${DEFAULT_LOCK_SECONDS})
  --home DIR         this worker's Kiln home (demo packs, scratch files of running jobs)

Runs until Ctrl-C or SIGTERM, which hands its runs back to the queue after their current iteration.`,
  options: {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    gpu: { type: 'string' },
    threads: { type: 'string' },
    models: { type: 'string' },
    token: { type: 'string' },
    'lock-seconds': { type: 'string' },
    ...HOME_OPTION,
  },
  async run({ values }, io) {
    if (values.queue === undefined) throw new KilnError('invalid-request', 'give the farm queue: kiln worker --queue redis://HOST:PORT');
    const redisUrl = farmRedisUrl(String(values.queue), '--queue');
    const concurrency = wholeNumberOption(values, 'concurrency') ?? 1;
    if (concurrency < 1 || concurrency > 64) throw new KilnError('invalid-request', `--concurrency must be from 1 to 64, not ${concurrency}`);
    const gpu = String(values.gpu ?? 'auto');
    if (!(GPU_CHOICES as readonly string[]).includes(gpu)) throw new KilnError('invalid-request', `--gpu must be one of ${GPU_CHOICES.join(', ')}, not "${gpu}"`);
    const lockSeconds = wholeNumberOption(values, 'lock-seconds') ?? DEFAULT_LOCK_SECONDS;
    if (lockSeconds < 1) throw new KilnError('invalid-request', '--lock-seconds must be at least 1');
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    // Built before the first job, not during it: the build holds the event loop longer than a short job lock lasts.
    ensureDemoPack(home, DEMO_MODELS.demo);
    const worker = new FarmWorker({
      redisUrl,
      concurrency,
      lockMs: lockSeconds * 1000,
      home,
      token: farmToken(values.token, io.env),
      name: `${hostname()}:${process.pid}`,
      threads: threadsOption(values, Math.max(1, Math.floor(availableParallelism() / concurrency))),
      executionProvider: gpu as ExecutionProviderChoice,
      modelsDir: values.models as string | undefined,
      log: (line) => io.out(`${new Date().toISOString()} ${line}\n`),
    });
    await worker.ready();
    io.out(`Kiln worker ${hostname()}:${process.pid} taking runs from redis at ${new URL(redisUrl).host} (${concurrency} at a time)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.out('Handing running jobs back to the queue…\n');
    await worker.close();
    return 0;
  },
};
