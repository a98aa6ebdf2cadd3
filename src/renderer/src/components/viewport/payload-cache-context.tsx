import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStudioApi } from '../../api/context';
import { SnapshotPayloadCache } from './snapshot-payload-cache';
import { loadSnapshotPayload } from './snapshot-loader';

const PayloadCacheContext = createContext<SnapshotPayloadCache | null>(null);

/** One payload cache for the whole studio: the viewport, the compare panes and the timeline's prefetch share it. */
export function PayloadCacheProvider({ children }: { children: ReactNode }) {
  const api = useStudioApi();
  const cache = useMemo(() => new SnapshotPayloadCache((ref) => loadSnapshotPayload(api, ref)), [api]);
  return <PayloadCacheContext.Provider value={cache}>{children}</PayloadCacheContext.Provider>;
}

export function usePayloadCache(): SnapshotPayloadCache {
  const cache = useContext(PayloadCacheContext);
  if (!cache) throw new Error('usePayloadCache must be used inside <PayloadCacheProvider>');
  return cache;
}
