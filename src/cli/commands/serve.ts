import { join } from 'node:path';
import { packageRoot } from '../../core/package-root';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { StudioService } from '../../core/studio/studio-service';
import { ChildEngineLauncher } from '../../server/child-engine-launcher';
import { startStudioServer } from '../../server/studio-server';
import { HOME_OPTION, type Command } from '../command';
import { isLoopbackHost } from '../../server/host-allow-list';
import { loadOrCreateServeToken } from '../../server/serve-token';
import { hostname } from 'node:os';
import { KilnError } from '../../shared/errors';
import { farmToken, loadOrCreateJobSecret } from '../../core/farm/farm-auth';
import { FarmIntake } from '../../core/farm/farm-intake';
import { FarmEngineLauncher } from '../../core/farm/farm-launcher';
import { farmRedisUrl } from '../../core/farm/farm-queue';

const FARM_CONNECT_MS = 10_000;

const isWildcardHost = (host: string) => host === '0.0.0.0' || host === '::';

/** A studio that cannot reach its farm's Redis says so at start rather than queueing into the void. */
async function farmReady(farm: FarmEngineLauncher, redisUrl: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KilnError('invalid-request', `cannot reach the farm's Redis at ${new URL(redisUrl).host} within ${FARM_CONNECT_MS / 1000} s; start it (redis-server) or check --farm`)), FARM_CONNECT_MS);
  });
  try {
    await Promise.race([farm.ready(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const DEFAULT_HOST = '127.0.0.1';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the studio UI and the StudioApi over HTTP and WebSocket (open the printed URL in a browser).',
  usage: `kiln serve [--port N] [--host ADDR] [--home DIR] [--farm redis://HOST:PORT [--token TOKEN] [--farm-url URL]]

  --port N     port to listen on (default 5199; 0 picks a free one)
  --host ADDR  address to bind (default 127.0.0.1, this machine only). Any other address (0.0.0.0 for every network)
               requires an access token: made on first use and shown once, kept in HOME/serve-token; clients send
               "Authorization: Bearer TOKEN" and the browser studio asks for it once. Remote callers cannot name
               folders (models are added on the studio's own machine).
  --home DIR   Kiln home holding kiln.db (default $KILN_HOME, else the OS app-data folder)
  --farm URL   run generations on a farm: queue them on this Redis for "kiln worker" processes on any machine,
               which send their snapshots back here (the studio stays the one owner of every run)
  --token T    the farm token the workers share (default $KILN_FARM_TOKEN; required with --farm)
  --farm-url U the URL workers reach this studio at (default: the URL it serves at; with a wildcard --host, this
               machine's host name)`,
  options: { ...HOME_OPTION, port: { type: 'string' }, host: { type: 'string' }, farm: { type: 'string' }, token: { type: 'string' }, 'farm-url': { type: 'string' } },
  async run({ values }, io) {
    const rawPort = String(values.port ?? '5199');
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 65535) {
      io.err(`kiln serve: --port must be an integer from 0 to 65535, got ${String(values.port)}\n`);
      return 2;
    }
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    const host = (values.host as string | undefined) ?? DEFAULT_HOST;
    const access = isLoopbackHost(host) ? undefined : loadOrCreateServeToken(home);
    const farmOptions = values.farm === undefined ? undefined : { redisUrl: farmRedisUrl(String(values.farm), '--farm'), token: farmToken(values.token, io.env) };
    let studioUrl = values['farm-url'] as string | undefined;
    let farm: FarmEngineLauncher | undefined;
    let jobSecret = '';
    const service = new StudioService(
      home,
      {},
      new ChildEngineLauncher(),
      farmOptions && ((store) => (farm = new FarmEngineLauncher(farmOptions.redisUrl, store, () => studioUrl!, (jobSecret = loadOrCreateJobSecret(home))))),
    );
    let running;
    try {
      if (farm) await farmReady(farm, farmOptions!.redisUrl);
      running = await startStudioServer(service, {
        port,
        host,
        rendererDir: join(packageRoot(), 'out', 'renderer'),
        token: access?.token,
        farm: farm && { intake: new FarmIntake(service.store, jobSecret, farm), token: farmOptions!.token },
      });
    } catch (err) {
      await service.shutdown();
      throw err;
    }
    studioUrl ??= isWildcardHost(host) ? running.url.replace(/\/\/[^/]+:/, `//${hostname()}:`) : running.url;
    io.out(`Kiln studio serving ${home} at ${running.url}\n`);
    if (farm) io.out(`Runs go to the farm at ${new URL(farmOptions!.redisUrl).host}; workers report to ${studioUrl}\n`);
    if (access?.created) io.out(`Access token (shown this once; kept in ${access.path}):\n  ${access.token}\n`);
    else if (access) io.out(`Clients on the network need the access token kept in ${access.path}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await running.close();
    await service.shutdown();
    return 0;
  },
};
