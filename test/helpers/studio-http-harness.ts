import WebSocket from 'ws';
import { StudioService } from '../../src/core/studio/studio-service';
import { ChildEngineLauncher } from '../../src/server/child-engine-launcher';
import { startStudioServer } from '../../src/server/studio-server';
import { StudioEvent } from '../../src/shared/events';
import type { Run } from '../../src/shared/runs';

/** `kiln serve` in-process (runs in real `kiln engine-run` children) with a WebSocket recording every event. */
export interface StudioHarness {
  url: string;
  service: StudioService;
  events: StudioEvent[];
  post(method: string, body: unknown): Promise<Response>;
  /** The result, or an Error "STATUS code: message". */
  call<T>(method: string, body: unknown): Promise<T>;
  /** Resolves with the run as its run.finished event reports it. */
  finished(runId: string, timeoutMs?: number): Promise<Run>;
  close(): Promise<void>;
}

export async function startStudioHarness(home: string): Promise<StudioHarness> {
  const service = new StudioService(home, {}, new ChildEngineLauncher());
  const running = await startStudioServer(service, { port: 0, rendererDir: home });
  const events: StudioEvent[] = [];
  const socket = new WebSocket(running.url.replace('http', 'ws') + '/api/events');
  socket.on('message', (data: Buffer) => events.push(StudioEvent.parse(JSON.parse(data.toString()))));
  await new Promise((resolve) => socket.once('open', resolve));
  const post = (method: string, body: unknown) =>
    fetch(`${running.url}/api/call/${method}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return {
    url: running.url,
    service,
    events,
    post,
    async call<T>(method: string, body: unknown): Promise<T> {
      const res = await post(method, body);
      const json = (await res.json()) as { result?: T; error?: { code: string; message: string } };
      if (!res.ok) throw new Error(`${res.status} ${json.error?.code}: ${json.error?.message}`);
      return json.result as T;
    },
    finished(runId, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`run ${runId} did not finish`)), timeoutMs);
        const check = () => {
          const event = events.find((e) => e.type === 'run.finished' && e.run.id === runId);
          if (event?.type === 'run.finished') {
            clearTimeout(timer);
            resolve(event.run);
          } else setTimeout(check, 25);
        };
        check();
      });
    },
    async close() {
      socket.close();
      await running.close();
      await service.shutdown();
    },
  };
}
