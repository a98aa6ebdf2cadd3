import type { KilnBridge } from '../../../shared/ipc-channels';
import type { StudioApi } from '../../../shared/studio-api';
import { createHttpStudioApi } from './http-client';
import { createIpcStudioApi } from './ipc-client';

declare global {
  interface Window {
    kilnBridge?: KilnBridge;
  }
}

/** Electron's preload bridge when present, else the HTTP/WebSocket server that served this page. */
export function connectStudioApi(): StudioApi {
  return window.kilnBridge ? createIpcStudioApi(window.kilnBridge) : createHttpStudioApi(new URL(window.location.href));
}
