import type { RunHooks } from '../../src/core/pipeline/generation';

/** Hooks that pause a run after `after` iterations of this execution (the run then resumes from that snapshot). */
export function pauseAfter(after: number): RunHooks {
  let asked = 0;
  return { stopRequested: () => (++asked >= after ? 'pause' : null) };
}
