import { useEffect, useState } from 'react';

/** Seconds between snapshots while the timeline plays. */
export const PLAYBACK_STEP_MS = 300;

/**
 * Plays through snapshot indices: `step` is called every PLAYBACK_STEP_MS and returns false at the end, which stops
 * playback. Stops by itself when the timeline empties.
 */
export function useTimelinePlayback(step: () => boolean, count: number) {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      if (!step()) setPlaying(false);
    }, PLAYBACK_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, step]);
  useEffect(() => {
    if (count === 0) setPlaying(false);
  }, [count]);
  return { playing, setPlaying };
}
