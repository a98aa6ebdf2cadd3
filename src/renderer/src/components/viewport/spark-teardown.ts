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
