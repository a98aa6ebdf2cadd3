/**
 * Spark's worker pool rejects every pending call with `Error("Worker terminate")` when a renderer or mesh is disposed,
 * and its own callers do not catch it. Disposing is what we mean to do (a compare pane or a snapshot going away), so
 * that one rejection is expected; every other unhandled rejection still surfaces.
 */
export function ignoreSparkTeardownRejections(target: Pick<Window, 'addEventListener'> = window): void {
  target.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    const reason: unknown = event.reason;
    if (reason instanceof Error && reason.message === 'Worker terminate') event.preventDefault();
  });
}
