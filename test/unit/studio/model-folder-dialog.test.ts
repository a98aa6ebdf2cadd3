import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureDemoPack } from '../../../src/core/diffusion/demo/build-demo-pack';
import { openKilnStore, type KilnStore } from '../../../src/core/store/kiln-store';
import { ModelRegistry } from '../../../src/core/studio/model-registry';
import { modelFolderHandlers, type FolderDialogRequest } from '../../../src/main/model-folder-dialog';
import { KilnError } from '../../../src/shared/errors';
import { AddModelFromDialogResult } from '../../../src/shared/models';
import { expectKilnError } from '../../helpers/expect-kiln-error';
import { makeTempHome } from '../../helpers/temp-home';

// The desktop app's "Add model folder…": the folder comes from the native dialog (here a function answering as the
// artist would), never from the renderer.
const temp = makeTempHome('kiln-model-dialog-');
let store: KilnStore;
let registry: ModelRegistry;
let demoPack: string;

beforeAll(() => {
  demoPack = ensureDemoPack(temp.home, 'pixel').dir;
  store = openKilnStore(temp.home);
});

beforeEach(() => {
  registry = new ModelRegistry(store.db);
  for (const model of registry.list()) if (!model.builtIn) registry.remove(model.id);
});

afterAll(() => {
  store.close();
  temp.cleanup();
});

function withDialog(answer: string | undefined) {
  const asked: FolderDialogRequest[] = [];
  const handlers = modelFolderHandlers(registry, async (request) => {
    asked.push(request);
    return answer;
  });
  const addFromDialog = async () => AddModelFromDialogResult.parse(await handlers['models.addFromDialog']({}));
  return { asked, handlers, addFromDialog };
}

const registered = () => registry.list().filter((m) => !m.builtIn);

describe('models.addFromDialog in the desktop app', () => {
  it('asks for a folder and adds nothing when the artist cancels', async () => {
    const { asked, addFromDialog } = withDialog(undefined);
    expect(await addFromDialog()).toEqual({ added: false });
    expect(asked).toEqual([{ title: 'Add a model pack folder', buttonLabel: 'Add model pack', properties: ['openDirectory'] }]);
    expect(registered()).toEqual([]);
  });

  it('refuses a folder that is not a pack with the pack’s own validation error', async () => {
    const broken = join(temp.home, 'packs', 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'model_index.json'), '{}');
    const { addFromDialog } = withDialog(broken);
    const failure = await addFromDialog().then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(KilnError);
    expect((failure as KilnError).code).toBe('model-pack');
    expect((failure as KilnError).message).toContain(join(broken, 'scheduler', 'scheduler_config.json'));
    expect(registered()).toEqual([]);
  });

  it('adds a valid pack folder the artist chose', async () => {
    const copy = join(temp.home, 'packs', 'my-pack');
    cpSync(demoPack, copy, { recursive: true });
    const { addFromDialog } = withDialog(copy);
    const result = await addFromDialog();
    expect(result).toMatchObject({ added: true, model: { id: copy, name: 'my-pack', builtIn: false, ok: true, error: null } });
    expect(registered().map((m) => m.id)).toEqual([copy]);
  });

  it('refuses a typed folder path (models.add) in the desktop app', () => {
    const copy = join(temp.home, 'packs', 'typed');
    cpSync(demoPack, copy, { recursive: true });
    const { handlers } = withDialog(copy);
    expectKilnError(() => handlers['models.add']({ path: copy }), 'invalid-request', /folder dialog/);
    expect(registered()).toEqual([]);
  });
});
