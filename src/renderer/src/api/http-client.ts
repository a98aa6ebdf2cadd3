import { fromWireError, KilnError, type WireError } from '../../../shared/errors';
import type { StudioApi } from '../../../shared/studio-api';
import { StudioEvent } from '../../../shared/events';
import { BLOB_HASH_PATTERN, blobUrlPath } from '../../../shared/blobs';

const RECONNECT_MS = 1000;
/** `kiln serve --host` on a network address asks for its access token; the studio keeps it in this cookie. */
const TOKEN_COOKIE = 'kiln_token';
const TOKEN_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/**
 * Asks the artist for the server's access token (once: the cookie then goes with every request, image and the
 * WebSocket). Returns whether a token was given.
 */
function askForAccessToken(): boolean {
  // This client also runs under Node (tests, tools), where there is no one to ask.
  const page = globalThis as { prompt?: (message: string) => string | null; document?: { cookie: string } };
  if (!page.prompt || !page.document) return false;
  const token = page.prompt('This Kiln studio is shared on the network and needs its access token.\n"kiln serve" showed it when it was made; it is kept in the serve-token file of its Kiln home.');
  if (!token?.trim()) return false;
  page.document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token.trim())}; path=/; max-age=${TOKEN_COOKIE_MAX_AGE_S}; SameSite=Strict`;
  return true;
}

/** The StudioApi over `kiln serve`: POST /api/call/<method> for requests, a WebSocket for events. */
/** Bumped when the artist gives a token, so requests sent before it retry instead of asking again. */
let tokenVersion = 0;

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

  /** The WebSocket refused before the token was known: connect again with it. */
  function reconnect() {
    if (listeners.size > 0 && !socket) connect();
  }

  return {
    async call(method, request) {
      // Payloads are content-addressed: the GET route lets the browser cache them while the artist scrubs.
      const blob = method === 'snapshots.payload' ? (request as { blob?: unknown }).blob : undefined;
      const get = typeof blob === 'string' && BLOB_HASH_PATTERN.test(blob);
      const send = () =>
        get
          ? fetch(new URL(blobUrlPath(blob), base))
          : fetch(new URL(`/api/call/${method}`, base), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(request),
            });
      let response: Response;
      try {
        const sentWithToken = tokenVersion;
        response = await send();
        // Calls made together all meet the 401: one asks (prompt blocks), the others retry with its answer.
        if (response.status === 401 && (tokenVersion > sentWithToken || askForAccessToken())) {
          if (tokenVersion === sentWithToken) tokenVersion++;
          response = await send();
          if (response.ok) reconnect();
        }
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
