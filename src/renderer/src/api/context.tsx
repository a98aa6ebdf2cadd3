import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { StudioEvent } from '../../../shared/events';
import type { StudioApi } from '../../../shared/studio-api';

const StudioApiContext = createContext<StudioApi | null>(null);

export function StudioApiProvider({ api, children }: { api: StudioApi; children: ReactNode }) {
  return <StudioApiContext.Provider value={api}>{children}</StudioApiContext.Provider>;
}

export function useStudioApi(): StudioApi {
  const api = useContext(StudioApiContext);
  if (!api) throw new Error('useStudioApi must be used inside <StudioApiProvider>');
  return api;
}

/** Calls `listener` for every engine event while the component is mounted. */
export function useStudioEvents(listener: (event: StudioEvent) => void): void {
  const api = useStudioApi();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => api.onEvent((event) => latest.current(event)), [api]);
}
