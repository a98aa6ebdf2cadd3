import { useEffect, useRef } from 'react';
import type { Snapshot } from '../../../../shared/runs';
import { useBlobUrl } from './use-blob-url';

interface ThumbnailStripProps {
  snapshots: readonly Snapshot[];
  shownIteration: number | null;
  onSelect: (iteration: number) => void;
}

/** The run's snapshots as small renders, oldest first; the shown one is highlighted and kept in view. */
export function ThumbnailStrip({ snapshots, shownIteration, onSelect }: ThumbnailStripProps) {
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [shownIteration]);
  return (
    <ol className="thumbnail-strip" aria-label="Snapshots" ref={listRef}>
      {snapshots.map((s) => (
        <li key={s.iteration}>
          <Thumbnail snapshot={s} current={s.iteration === shownIteration} onSelect={onSelect} />
        </li>
      ))}
    </ol>
  );
}

function Thumbnail({ snapshot, current, onSelect }: { snapshot: Snapshot; current: boolean; onSelect: (iteration: number) => void }) {
  const src = useBlobUrl(snapshot.thumbnailBlob);
  return (
    <button
      type="button"
      className="thumbnail"
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
