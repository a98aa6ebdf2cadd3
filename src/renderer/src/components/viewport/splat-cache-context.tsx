import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStudioApi } from '../../api/context';
import { PackedSplatCache } from './splat-cache';
import { loadSnapshotSplats } from './snapshot-loader';

const SplatCacheContext = createContext<PackedSplatCache | null>(null);

/** One payload cache for the whole studio: the viewport, the compare panes and the timeline's prefetch share it. */
export function SplatCacheProvider({ children }: { children: ReactNode }) {
  const api = useStudioApi();
  const cache = useMemo(() => new PackedSplatCache((blob) => loadSnapshotSplats(api, blob)), [api]);
  return <SplatCacheContext.Provider value={cache}>{children}</SplatCacheContext.Provider>;
}

export function useSplatCache(): PackedSplatCache {
  const cache = useContext(SplatCacheContext);
  if (!cache) throw new Error('useSplatCache must be used inside <SplatCacheProvider>');
  return cache;
}
