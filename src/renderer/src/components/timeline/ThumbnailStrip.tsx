import { Fragment, useEffect, useRef } from 'react';
import type { RepresentationName, Snapshot } from '../../../../shared/runs';
import { STAGE_TITLES, stageBoundaries, stageLabel } from './run-stages';
import { useBlobUrl } from './use-blob-url';

interface ThumbnailStripProps {
  snapshots: readonly Snapshot[];
  /** The run's stages (their representations), to name the stage boundaries. */
  stages: readonly RepresentationName[];
  shownIteration: number | null;
  onSelect: (iteration: number) => void;
}

/**
 * The run's snapshots as small renders, oldest first; the shown one is highlighted and kept in view. Where a stage
 * begins (the mesh after the Gaussians) a mark names it.
 */
export function ThumbnailStrip({ snapshots, stages, shownIteration, onSelect }: ThumbnailStripProps) {
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [shownIteration]);
  const boundaries = new Map(stageBoundaries(snapshots).map((b) => [b.index, b]));
  return (
    <ol className="thumbnail-strip" aria-label="Snapshots" ref={listRef}>
      {snapshots.map((s, i) => {
        const boundary = boundaries.get(i);
        const representation = boundary ? stages[boundary.stage] : undefined;
        return (
          <Fragment key={s.iteration}>
            {boundary && (
              <li className="stage-mark" role="separator" aria-label={`${stageLabel(stages, boundary.stage)} starts after iteration ${snapshots[i - 1]!.iteration}`}>
                <span>{representation ? STAGE_TITLES[representation] : `Stage ${boundary.stage + 1}`}</span>
              </li>
            )}
            <li>
              <Thumbnail snapshot={s} current={s.iteration === shownIteration} onSelect={onSelect} />
            </li>
          </Fragment>
        );
      })}
    </ol>
  );
}

function Thumbnail({ snapshot, current, onSelect }: { snapshot: Snapshot; current: boolean; onSelect: (iteration: number) => void }) {
  const src = useBlobUrl(snapshot.thumbnailBlob);
  return (
    <button
      type="button"
      className={snapshot.payloadKind === 'mesh' ? 'thumbnail mesh' : 'thumbnail'}
      aria-label={`Show iteration ${snapshot.iteration}`}
      aria-current={current ? 'true' : undefined}
      title={`Iteration ${snapshot.iteration} · ${snapshot.gaussians.toLocaleString()} ${snapshot.payloadKind === 'mesh' ? 'faces' : 'Gaussians'}`}
      onClick={() => onSelect(snapshot.iteration)}
    >
      {src ? <img src={src} alt="" loading="lazy" draggable={false} /> : <span className="thumbnail-empty" aria-hidden="true" />}
      <span className="thumbnail-label">{snapshot.iteration}</span>
    </button>
  );
}
