import { fromWireError } from '../../../shared/errors';
import type { KilnBridge } from '../../../shared/ipc-channels';
import type { StudioApi } from '../../../shared/studio-api';
import { StudioEvent } from '../../../shared/events';

/** The StudioApi over Electron IPC, through the preload's bridge. */
export function createIpcStudioApi(bridge: KilnBridge): StudioApi {
  return {
    async call(method, request) {
      const outcome = await bridge.call(method, request);
      if (!outcome.ok) throw fromWireError(outcome.error);
      return outcome.result as never;
    },
    onEvent(listener) {
      return bridge.onEvent((payload) => {
        const parsed = StudioEvent.safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}
