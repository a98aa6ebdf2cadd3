import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ModelInfo } from '../../../../shared/models';
import { useStudioApi } from '../../api/context';

interface ModelsState {
  /** null while loading. */
  models: ModelInfo[] | null;
  /** Why the list could not be read. */
  error: string | null;
  refresh(): Promise<void>;
  /** Validates and registers a pack folder; rejects with the engine's message (the file and the problem). */
  add(path: string): Promise<ModelInfo>;
  /** Desktop app: the artist picks the folder in the native dialog; null when they cancel. */
  addFromDialog(): Promise<ModelInfo | null>;
  remove(id: string): Promise<void>;
}

const ModelsContext = createContext<ModelsState | null>(null);

/** The model packs, shared by the generate panel's picker and the models panel so both see an added pack at once. */
export function ModelsProvider({ children }: { children: ReactNode }) {
  const api = useStudioApi();
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setModels(await api.call('models.list', {}));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [api]);
  useEffect(() => void refresh(), [refresh]);

  const value = useMemo<ModelsState>(
    () => ({
      models,
      error,
      refresh,
      async add(path) {
        const added = await api.call('models.add', { path });
        await refresh();
        return added;
      },
      async addFromDialog() {
        const result = await api.call('models.addFromDialog', {});
        if (!result.added) return null;
        await refresh();
        return result.model;
      },
      async remove(id) {
        await api.call('models.remove', { id });
        await refresh();
      },
    }),
    [api, models, error, refresh],
  );
  return <ModelsContext.Provider value={value}>{children}</ModelsContext.Provider>;
}

export function useModels(): ModelsState {
  const state = useContext(ModelsContext);
  if (!state) throw new Error('useModels must be used inside <ModelsProvider>');
  return state;
}
