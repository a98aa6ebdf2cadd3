import type { StudioEvent } from '../../shared/events';

export type EventListener = (event: StudioEvent) => void;

/** Fan-out of engine events to every connected client (IPC windows, WebSocket sockets). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StudioEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // One broken client must not stop the others from hearing the event.
        console.error('[kiln] event listener failed:', err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
