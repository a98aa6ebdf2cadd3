import { join } from 'node:path';
import { packageRoot } from '../../core/package-root';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { StudioService } from '../../core/studio/studio-service';
import { ChildEngineLauncher } from '../../server/child-engine-launcher';
import { startStudioServer } from '../../server/studio-server';
import { HOME_OPTION, type Command } from '../command';
import { isLoopbackHost } from '../../server/host-allow-list';
import { loadOrCreateServeToken } from '../../server/serve-token';

const DEFAULT_HOST = '127.0.0.1';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the studio UI and the StudioApi over HTTP and WebSocket (open the printed URL in a browser).',
  usage: `kiln serve [--port N] [--host ADDR] [--home DIR]

  --port N     port to listen on (default 5199; 0 picks a free one)
  --host ADDR  address to bind (default 127.0.0.1, this machine only). Any other address (0.0.0.0 for every network)
               requires an access token: made on first use and shown once, kept in HOME/serve-token; clients send
               "Authorization: Bearer TOKEN" and the browser studio asks for it once. Remote callers cannot name
               folders (models are added on the studio's own machine).
  --home DIR   Kiln home holding kiln.db (default $KILN_HOME, else the OS app-data folder)`,
  options: { ...HOME_OPTION, port: { type: 'string' }, host: { type: 'string' } },
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
    const service = new StudioService(home, {}, new ChildEngineLauncher());
    let running;
    try {
      running = await startStudioServer(service, {
        port,
        host,
        rendererDir: join(packageRoot(), 'out', 'renderer'),
        token: access?.token,
      });
    } catch (err) {
      service.close();
      throw err;
    }
    io.out(`Kiln studio serving ${home} at ${running.url}\n`);
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
