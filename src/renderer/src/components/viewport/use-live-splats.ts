import { useEffect, useState } from 'react';
import { useStudioEvents } from '../../api/context';
import type { PackedGaussians } from './splat-packing';
import { decodeLiveEventSplats } from './snapshot-loader';

export interface LiveSplats {
  runId: string;
  iteration: number;
  packed: PackedGaussians;
}

/** The newest live Gaussians (`run.splats` events, about once a second) of a training run. */
export function useLiveSplats(runId: string | null): LiveSplats | null {
  const [live, setLive] = useState<LiveSplats | null>(null);

  useEffect(() => setLive(null), [runId]);

  useStudioEvents((event) => {
    if (event.type !== 'run.splats' || event.runId !== runId) return;
    const iteration = event.iteration;
    decodeLiveEventSplats(event).then(
      (p) =>
        setLive((prev) =>
          prev && prev.runId === event.runId && prev.iteration >= iteration ? prev : { runId: event.runId, iteration, packed: p },
        ),
      (err: Error) => console.warn(`[kiln] live splats of iteration ${iteration} could not be shown: ${err.message}`),
    );
  });

  return live && live.runId === runId ? live : null;
}
