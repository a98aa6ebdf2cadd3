import { useCallback, useEffect, useRef, useState } from 'react';
import { METHOD_NAMES, type MethodName, type Run } from '../../../shared/runs';
import { useStudioSelection, type SnapshotRef } from '../state/studio-selection';
import { RunTree } from './RunTree';
import { runStages, STAGE_TITLES } from './timeline/run-stages';
import { ThumbnailStrip } from './timeline/ThumbnailStrip';
import { useSelectedRunTimeline } from './timeline/selected-run-timeline';
import { useTimelinePlayback } from './timeline/use-timeline-playback';
import { isShortcut } from './viewport/keyboard';

/** What a branch keeps from its parent unless the artist changes it in the generate panel. */
function branchRequest(run: Run) {
  const method = (METHOD_NAMES as readonly string[]).includes(run.method) ? (run.method as MethodName) : undefined;
  return { ...(run.prompt !== null ? { prompt: run.prompt } : {}), seed: run.seed, ...(method ? { method } : {}) };
}

/** The selected run's snapshots: a slider and thumbnails to scrub, play, branch and compare; the project's run tree. */
export function TimelinePanel() {
  const selection = useStudioSelection();
  const { run, snapshots } = useSelectedRunTimeline();
  const [marked, setMarked] = useState<SnapshotRef | null>(null);

  const count = snapshots.length;
  const lastIndex = count - 1;
  let index = lastIndex;
  if (selection.iteration !== null) {
    index = 0;
    snapshots.forEach((s, i) => {
      if (s.iteration <= selection.iteration!) index = i;
    });
  }
  const shown = count > 0 ? snapshots[index]! : null;
  const stages = run ? runStages(run) : [];
  const shownStage = shown && stages.length > 1 ? stages[shown.stage] : undefined;
  const shownRef = run && shown ? { runId: run.id, iteration: shown.iteration } : null;

  // Latest values for the handlers below, so the key listener and the playback timer are not rebuilt every render.
  const latest = useRef({ index, lastIndex, snapshots, selection });
  latest.current = { index, lastIndex, snapshots, selection };

  const showIndex = useCallback((i: number) => {
    const { snapshots: list, selection: sel } = latest.current;
    const target = list[Math.max(0, Math.min(list.length - 1, i))];
    if (target) sel.setIteration(target.iteration);
  }, []);

  const step = useCallback(() => {
    const { index: i, lastIndex: last } = latest.current;
    if (i >= last) return false;
    showIndex(i + 1);
    return i + 1 < last;
  }, [showIndex]);
  const { playing, setPlaying } = useTimelinePlayback(step, count);

  const togglePlay = useCallback(() => {
    setPlaying((p) => {
      if (!p && latest.current.index >= latest.current.lastIndex) showIndex(0);
      return !p;
    });
  }, [setPlaying, showIndex]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e) || latest.current.snapshots.length === 0) return;
      // The focused slider steps itself; a focused button keeps Space for clicking.
      const onControl = e.target instanceof HTMLElement && /^(BUTTON|A)$/.test(e.target.tagName);
      const { index: i, lastIndex: last } = latest.current;
      if (e.key === 'ArrowLeft') showIndex(i - 1);
      else if (e.key === 'ArrowRight') showIndex(i + 1);
      else if (e.key === 'Home') showIndex(0);
      else if (e.key === 'End') showIndex(last);
      else if (e.key === ' ' && !onControl) togglePlay();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [showIndex, togglePlay]);

  return (
    <section className="timeline-panel" aria-label="Timeline">
      <div className="timeline-main">
        <h2>Timeline{run ? ` · ${run.name}` : ''}</h2>
        {!run ? (
          <p className="muted">Pick a run (or start one) to scrub its snapshots here.</p>
        ) : (
          <>
            <div className="timeline-controls">
              <button
                type="button"
                onClick={togglePlay}
                disabled={count < 2}
                aria-keyshortcuts="Space"
                aria-label={playing ? 'Pause timeline' : 'Play timeline'}
                title={playing ? 'Pause (Space)' : 'Play (Space)'}
              >
                {playing ? '❚❚' : '▶'}
              </button>
              <input
                type="range"
                className="timeline-slider"
                aria-label="Snapshot"
                aria-keyshortcuts="ArrowLeft ArrowRight Home End"
                aria-valuetext={shown ? `iteration ${shown.iteration}` : 'no snapshots'}
                min={0}
                max={Math.max(0, lastIndex)}
                step={1}
                value={Math.max(0, index)}
                disabled={count === 0}
                onChange={(e) => showIndex(Number(e.target.value))}
              />
              <output className="timeline-readout" aria-label="Shown iteration">
                {shown ? `${shown.iteration} / ${run.targetIterations}${shownStage ? ` · ${STAGE_TITLES[shownStage]}` : ''}` : '—'}
              </output>
              <button
                type="button"
                aria-pressed={selection.iteration === null}
                onClick={() => selection.setIteration(null)}
                title="Always show the newest snapshot (live while the run trains)"
              >
                Follow newest
              </button>
              <button
                type="button"
                disabled={!shown}
                onClick={() =>
                  shown && selection.setBranchDraft({ runId: run.id, iteration: shown.iteration, payloadKind: shown.payloadKind, request: branchRequest(run) })
                }
                title="Start a new run from this snapshot (the generate panel opens prefilled)"
              >
                Branch from here
              </button>
              <button
                type="button"
                disabled={!shownRef}
                onClick={() => setMarked(shownRef)}
                title="Remember this snapshot as side A of a comparison"
              >
                {marked ? `Marked A: ${marked.iteration}` : 'Mark for compare'}
              </button>
              <button
                type="button"
                disabled={!marked || !shownRef}
                onClick={() => marked && shownRef && selection.setCompare({ a: marked, b: shownRef })}
                title="Show the marked snapshot (A) and this one (B) side by side"
              >
                Compare with marked
              </button>
            </div>
            <ThumbnailStrip
              snapshots={snapshots}
              stages={stages}
              shownIteration={shown?.iteration ?? null}
              onSelect={(iteration) => selection.setIteration(iteration)}
            />
          </>
        )}
      </div>
      <RunTree shown={shownRef} />
    </section>
  );
}
