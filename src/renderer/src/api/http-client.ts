import { fromWireError, KilnError, type WireError } from '../../../shared/errors';
import type { StudioApi } from '../../../shared/studio-api';
import { StudioEvent } from '../../../shared/events';
import { BLOB_HASH_PATTERN, blobUrlPath } from '../../../shared/blobs';

const RECONNECT_MS = 1000;

/** The StudioApi over `kiln serve`: POST /api/call/<method> for requests, a WebSocket for events. */
export function createHttpStudioApi(base: URL): StudioApi {
  const listeners = new Set<(event: StudioEvent) => void>();
  let socket: WebSocket | null = null;

  function connect() {
    const url = new URL('/api/events', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onmessage = (message) => {
      const parsed = StudioEvent.safeParse(JSON.parse(String(message.data)));
      if (!parsed.success) return console.warn('[kiln] ignoring malformed event', message.data);
      for (const listener of listeners) listener(parsed.data);
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(() => listeners.size > 0 && !socket && connect(), RECONNECT_MS);
    };
  }

  return {
    async call(method, request) {
      // Payloads are content-addressed: the GET route lets the browser cache them while the artist scrubs.
      const blob = method === 'snapshots.payload' ? (request as { blob?: unknown }).blob : undefined;
      const get = typeof blob === 'string' && BLOB_HASH_PATTERN.test(blob);
      let response: Response;
      try {
        response = get
          ? await fetch(new URL(blobUrlPath(blob), base))
          : await fetch(new URL(`/api/call/${method}`, base), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(request),
            });
      } catch (err) {
        throw new KilnError('internal', `cannot reach the Kiln server (${(err as Error).message}); is "kiln serve" running?`);
      }
      if (response.ok && response.headers.get('content-type')?.startsWith('application/octet-stream')) {
        return new Uint8Array(await response.arrayBuffer()) as never;
      }
      const body = (await response.json()) as { result?: unknown; error?: WireError };
      if (body.error) throw fromWireError(body.error);
      return body.result as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
