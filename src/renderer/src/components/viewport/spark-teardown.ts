/** What this needs of `window` (kept structural so it can be unit-tested without a DOM). */
export interface RejectionEvents {
  addEventListener(type: 'unhandledrejection', listener: (event: { reason: unknown; preventDefault(): void }) => void): void;
}

/**
 * Spark's worker pool rejects every pending call with `Error("Worker terminate")` when a renderer or mesh is disposed,
 * and its own callers do not catch it. Disposing is what we mean to do (a compare pane or a snapshot going away), so
 * that one rejection is expected; every other unhandled rejection still surfaces.
 */
export function ignoreSparkTeardownRejections(target: RejectionEvents): void {
  target.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    if (reason instanceof Error && reason.message === 'Worker terminate') event.preventDefault();
  });
}

/**
 * Runs one of Spark's sorts, which read splat depths back from the GPU. three.js's async readback rejects with no
 * reason at all (`reject()` when `clientWaitSync` reports WAIT_FAILED) once the WebGL context is gone, and r3f loses
 * the context as soon as its canvas unmounts (the viewport switching to compare, a page closing): a sort in flight
 * then surfaced as the page error "undefined". Exactly that case — a reasonless rejection with the context lost —
 * ends the sort quietly; anything else is rethrown.
 */
export async function sortUnlessContextLost(sort: () => Promise<void>, isContextLost: () => boolean, onLost: () => void): Promise<void> {
  try {
    await sort();
  } catch (err) {
    if (err !== undefined || !isContextLost()) throw err;
    onLost();
  }
}
