import type { DispatchResult } from './dispatch';

/** Electron IPC channel names, shared by main and preload. */
export const IPC_CALL = 'kiln:call';
export const IPC_EVENT = 'kiln:event';

/** What the preload script exposes on `window.kilnBridge`. */
export interface KilnBridge {
  call(method: string, request: unknown): Promise<DispatchResult>;
  onEvent(listener: (event: unknown) => void): () => void;
}
