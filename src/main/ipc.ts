import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { StudioService } from '../core/studio/studio-service';
import { dispatch, type DispatchResult } from '../shared/dispatch';
import { IPC_CALL } from '../shared/ipc-channels';

export type IpcHandle = Pick<IpcMain, 'handle'>['handle'];

/**
 * Answers StudioApi calls from the renderer. Every argument goes through the shared zod schemas (in `dispatch`)
 * and only frames showing the app itself may call.
 */
export function registerStudioIpc(
  handle: IpcHandle,
  service: Pick<StudioService, 'handlers'>,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  handle(IPC_CALL, (event, method: unknown, request: unknown): Promise<DispatchResult> => {
    if (!isTrustedSender(event)) {
      return Promise.resolve({ ok: false, error: { code: 'invalid-request', message: 'call refused: untrusted frame' } });
    }
    return dispatch(service.handlers, method, request);
  });
}
