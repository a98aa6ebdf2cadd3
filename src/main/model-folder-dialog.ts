import type { ModelRegistry } from '../core/studio/model-registry';
import { KilnError } from '../shared/errors';
import type { AddModelFromDialogResult } from '../shared/models';
import type { StudioHandlers } from '../shared/studio-api';

/** What the native folder dialog is asked. */
export interface FolderDialogRequest {
  title: string;
  buttonLabel: string;
  properties: ['openDirectory'];
}

/** Shows the folder dialog; resolves to the chosen folder, or undefined when the artist cancels. */
export type ChooseFolder = (request: FolderDialogRequest) => Promise<string | undefined>;

export const MODEL_FOLDER_DIALOG: FolderDialogRequest = {
  title: 'Add a model pack folder',
  buttonLabel: 'Add model pack',
  properties: ['openDirectory'],
};

/**
 * The model-pack handlers of the desktop app, where files are reached only through dialogs: `models.addFromDialog`
 * asks for the folder in the native dialog and validates and registers it (the pack's own error when it is not a
 * pack); `models.add`, which takes a path typed in the renderer, is refused.
 */
export function modelFolderHandlers(
  models: Pick<ModelRegistry, 'add'>,
  chooseFolder: ChooseFolder,
): Pick<StudioHandlers, 'models.add' | 'models.addFromDialog'> {
  return {
    'models.add': () => {
      throw new KilnError('invalid-request', 'the desktop app adds model packs through the folder dialog ("Add model folder…"), not a typed path');
    },
    'models.addFromDialog': async (): Promise<AddModelFromDialogResult> => {
      const folder = await chooseFolder(MODEL_FOLDER_DIALOG);
      if (!folder) return { added: false };
      return { added: true, model: models.add(folder) };
    },
  };
}
