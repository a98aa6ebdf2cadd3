import { useEffect, useRef, useState } from 'react';
import type { Snapshot } from '../../../../shared/runs';
import { useSplatCache } from './splat-cache-context';
import type { PackedGaussians } from './splat-packing';
import type { LiveSplats } from './use-live-splats';

export interface ShownSplats {
  packed: PackedGaussians | null;
  /** The iteration of what is drawn (may lag the request by one load). */
  iteration: number | null;
  loading: boolean;
  error: string | null;
}

/** The snapshot to show: the requested iteration (or the newest at or before it), else the newest. */
export function pickSnapshot(snapshots: readonly Snapshot[], iteration: number | null): Snapshot | null {
  if (snapshots.length === 0) return null;
  if (iteration === null) return snapshots[snapshots.length - 1]!;
  let best: Snapshot | null = null;
  for (const s of snapshots) if (s.iteration <= iteration) best = s;
  return best ?? snapshots[0]!;
}

const PREFETCH_NEIGHBOURS = 2;

/**
 * What the viewport draws for a run: the chosen snapshot, or while following (iteration null) whichever is newer of
 * the newest snapshot and the live splats. A payload already in the cache is returned in the same render, so
 * scrubbing over loaded snapshots costs no round trip; neighbours of the shown snapshot are prefetched.
 */
export function useShownSplats(snapshots: readonly Snapshot[], iteration: number | null, live: LiveSplats | null): ShownSplats {
  const cache = useSplatCache();
  const snapshot = pickSnapshot(snapshots, iteration);
  const useLive = iteration === null && live !== null && (snapshot === null || live.iteration > snapshot.iteration);
  const blob = useLive ? null : (snapshot?.payloadBlob ?? null);
  const [loaded, setLoaded] = useState<{ blob: string; packed: PackedGaussians } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastShown = useRef<{ packed: PackedGaussians; iteration: number } | null>(null);

  const cached = blob ? (cache.peek(blob) ?? (loaded?.blob === blob ? loaded.packed : undefined)) : undefined;

  useEffect(() => {
    if (!blob || cached) return;
    let cancelled = false;
    cache.get(blob).then(
      (packed) => {
        if (cancelled) return;
        setLoaded({ blob, packed });
        setError(null);
      },
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [cache, blob, cached]);

  const index = snapshot ? snapshots.indexOf(snapshot) : -1;
  useEffect(() => {
    if (index < 0) return;
    const around: string[] = [];
    for (let d = 1; d <= PREFETCH_NEIGHBOURS; d++) {
      const before = snapshots[index - d];
      const after = snapshots[index + d];
      if (after) around.push(after.payloadBlob);
      if (before) around.push(before.payloadBlob);
    }
    cache.prefetch(around);
  }, [cache, snapshots, index]);

  if (useLive && live) lastShown.current = { packed: live.packed, iteration: live.iteration };
  else if (cached && snapshot) lastShown.current = { packed: cached, iteration: snapshot.iteration };
  else if (!snapshot && !live) lastShown.current = null;

  return {
    packed: lastShown.current?.packed ?? null,
    iteration: lastShown.current?.iteration ?? null,
    loading: blob !== null && !cached,
    error,
  };
}
