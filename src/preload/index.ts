// Exposes the StudioApi transport, nothing else, to the isolated renderer. Main validates every call.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, type KilnBridge } from '../shared/ipc-channels';

const bridge: KilnBridge = {
  call: (method, request) => ipcRenderer.invoke(IPC_CALL, method, request),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT, forward);
    return () => ipcRenderer.removeListener(IPC_EVENT, forward);
  },
};

contextBridge.exposeInMainWorld('kilnBridge', bridge);
