import { KilnError, toWireError, type WireError } from './errors';
import type { StudioHandlers } from './studio-api';
import { parseMethod, parseRequest } from './validate';

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: WireError };

/**
 * The single entry point both transports call: validates the method name and the request with the shared schemas,
 * runs the handler, and returns a serialisable result. Never throws.
 */
export async function dispatch(handlers: StudioHandlers, method: unknown, request: unknown): Promise<DispatchResult> {
  try {
    const name = parseMethod(method);
    const parsed = parseRequest(name, request);
    const handler = handlers[name] as (req: unknown) => unknown;
    return { ok: true, result: await handler(parsed) };
  } catch (err) {
    if (!(err instanceof KilnError)) console.error(`[kiln] ${String(method)} failed:`, err);
    return { ok: false, error: toWireError(err) };
  }
}
