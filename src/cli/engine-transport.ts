import type { EngineMessage, HostMessage } from '../core/studio/engine-launcher';

/** How an engine process talks to its host: Electron's utilityProcess port, or a Node child's IPC channel. */
export interface EngineTransport {
  send(message: EngineMessage): Promise<void>;
  onMessage(listener: (message: HostMessage) => void): void;
  /** Called when the host goes away (its end of the channel closed). */
  onHostGone(listener: () => void): void;
  close(): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
}

export function engineTransport(): EngineTransport {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: async (m) => parentPort.postMessage(m),
      onMessage: (listener) => parentPort.on('message', (e) => listener(e.data as HostMessage)),
      onHostGone: (listener) => parentPort.on('close', listener),
      close: () => {},
    };
  }
  return {
    send: (m) => new Promise<void>((resolve) => (process.connected ? process.send!(m, undefined, {}, () => resolve()) : resolve())),
    onMessage: (listener) => process.on('message', (m) => listener(m as HostMessage)),
    onHostGone: (listener) => process.on('disconnect', listener),
    close: () => {
      if (process.connected) process.disconnect();
    },
  };
}
