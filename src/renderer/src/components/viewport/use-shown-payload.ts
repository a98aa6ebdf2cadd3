import { useEffect, useRef, useState } from 'react';
import type { Snapshot } from '../../../../shared/runs';
import { usePayloadCache } from './payload-cache-context';
import type { LivePayload } from './use-live-payload';
import type { PayloadRef, ViewPayload } from './view-payload';

export interface ShownPayload {
  payload: ViewPayload | null;
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

const refOf = (s: Snapshot): PayloadRef => ({ blob: s.payloadBlob, kind: s.payloadKind });

/**
 * What the viewport draws for a run: the chosen snapshot (splats or mesh, as its payload kind says), or while
 * following (iteration null) whichever is newer of the newest snapshot and the live model. A payload already in the
 * cache is returned in the same render, so scrubbing over loaded snapshots costs no round trip; neighbours of the
 * shown snapshot are prefetched.
 */
export function useShownPayload(snapshots: readonly Snapshot[], iteration: number | null, live: LivePayload | null): ShownPayload {
  const cache = usePayloadCache();
  const snapshot = pickSnapshot(snapshots, iteration);
  const useLive = iteration === null && live !== null && (snapshot === null || live.iteration > snapshot.iteration);
  const ref = useLive || !snapshot ? null : refOf(snapshot);
  const blob = ref?.blob ?? null;
  const kind = ref?.kind ?? null;
  const [loaded, setLoaded] = useState<{ blob: string; payload: ViewPayload } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastShown = useRef<{ payload: ViewPayload; iteration: number } | null>(null);

  const cached = blob ? (cache.peek(blob) ?? (loaded?.blob === blob ? loaded.payload : undefined)) : undefined;

  useEffect(() => {
    if (!blob || !kind || cached) return;
    let cancelled = false;
    cache.get({ blob, kind }).then(
      (payload) => {
        if (cancelled) return;
        setLoaded({ blob, payload });
        setError(null);
      },
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [cache, blob, kind, cached]);

  const index = snapshot ? snapshots.indexOf(snapshot) : -1;
  useEffect(() => {
    if (index < 0) return;
    const around: PayloadRef[] = [];
    for (let d = 1; d <= PREFETCH_NEIGHBOURS; d++) {
      const before = snapshots[index - d];
      const after = snapshots[index + d];
      if (after) around.push(refOf(after));
      if (before) around.push(refOf(before));
    }
    cache.prefetch(around);
  }, [cache, snapshots, index]);

  if (useLive && live) lastShown.current = { payload: live.payload, iteration: live.iteration };
  else if (cached && snapshot) lastShown.current = { payload: cached, iteration: snapshot.iteration };
  else if (!snapshot && !live) lastShown.current = null;

  return {
    payload: lastShown.current?.payload ?? null,
    iteration: lastShown.current?.iteration ?? null,
    loading: blob !== null && !cached,
    error,
  };
}
