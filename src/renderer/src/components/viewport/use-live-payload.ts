import { useEffect, useState } from 'react';
import { useStudioEvents } from '../../api/context';
import { decodeLivePayload } from './snapshot-loader';
import type { ViewPayload } from './view-payload';

export interface LivePayload {
  runId: string;
  iteration: number;
  payload: ViewPayload;
}

/**
 * The newest live model of a training run: its Gaussians (`run.splats`) or, in a mesh stage, its mesh (`run.mesh`),
 * about once a second.
 */
export function useLivePayload(runId: string | null): LivePayload | null {
  const [live, setLive] = useState<LivePayload | null>(null);

  useEffect(() => setLive(null), [runId]);

  useStudioEvents((event) => {
    if ((event.type !== 'run.splats' && event.type !== 'run.mesh') || event.runId !== runId) return;
    const iteration = event.iteration;
    try {
      const payload = decodeLivePayload(event);
      setLive((prev) => (prev && prev.runId === event.runId && prev.iteration >= iteration ? prev : { runId: event.runId, iteration, payload }));
    } catch (err) {
      console.warn(`[kiln] the live model of iteration ${iteration} could not be shown: ${(err as Error).message}`);
    }
  });

  return live && live.runId === runId ? live : null;
}
