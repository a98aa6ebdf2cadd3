import WebSocket from 'ws';
import { fromWireError, KilnError, type WireError } from '../shared/errors';
import type { StudioEvent } from '../shared/events';
import type { Project } from '../shared/projects';
import type { Run } from '../shared/runs';

/**
 * The CLI as a client of a running studio (`kiln generate --server URL`): StudioApi calls over HTTP, events over its
 * WebSocket. A studio bound to the network wants its access token: KILN_SERVE_TOKEN.
 */
export class RemoteStudio {
  private readonly headers: Record<string, string>;

  constructor(
    readonly url: string,
    token: string | undefined,
  ) {
    this.headers = token ? { authorization: `Bearer ${token}` } : {};
  }

  static parseUrl(raw: string): string {
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // the message below
    }
    throw new KilnError('invalid-request', `--server must be a studio's URL such as http://127.0.0.1:5199 (what "kiln serve" prints), not "${raw}"`);
  }

  async call<T>(method: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/api/call/${method}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...this.headers } });
    } catch (err) {
      throw new KilnError('invalid-request', `cannot reach the studio at ${this.url} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}); start it with "kiln serve"`);
    }
    const json = (await res.json().catch(() => ({}))) as { result?: T; error?: WireError };
    if (json.error) throw fromWireError(json.error);
    if (!res.ok) throw new KilnError('internal', `the studio at ${this.url} answered ${res.status}`);
    return json.result as T;
  }

  /** The project of that name on the studio, created there on first use (as a local `kiln generate` does). */
  async project(name: string): Promise<Project> {
    const found = (await this.call<Project[]>('projects.list', {})).find((p) => p.name.toLowerCase() === name.toLowerCase());
    return found ?? this.call<Project>('projects.create', { name });
  }

  /** Listens to the studio's events; resolves once subscribed, so nothing that follows is missed. */
  async events(listener: (event: StudioEvent) => void): Promise<{ close(): void }> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/events`, { headers: this.headers });
    ws.on('message', (data: Buffer) => listener(JSON.parse(data.toString()) as StudioEvent));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new KilnError('invalid-request', `cannot follow the studio's events at ${this.url}: ${err.message}`)));
    });
    return { close: () => ws.close() };
  }

  startRun(projectId: string, request: Record<string, unknown>, name?: string): Promise<Run> {
    return this.call<Run>('runs.start', { projectId, request, ...(name === undefined ? {} : { name }) });
  }
}
