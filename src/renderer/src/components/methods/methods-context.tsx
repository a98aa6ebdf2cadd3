import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MethodInfo } from '../../../../shared/catalog';
import { useStudioApi } from '../../api/context';

interface MethodsState {
  /** The engine's method catalog (methods.list); null while loading. */
  methods: MethodInfo[] | null;
  /** Why the catalog could not be read. */
  error: string | null;
}

const MethodsContext = createContext<MethodsState | null>(null);

/**
 * The method catalog, read once and shared: the generate panel's picker, progress and the run tree all name a
 * method by its catalog title ("VDM + DCA"), never by its id.
 */
export function MethodsProvider({ children }: { children: ReactNode }) {
  const api = useStudioApi();
  const [methods, setMethods] = useState<MethodInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('methods.list', {}).then(
      (list) => {
        setMethods(list);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [api]);
  const value = useMemo(() => ({ methods, error }), [methods, error]);
  return <MethodsContext.Provider value={value}>{children}</MethodsContext.Provider>;
}

export function useMethods(): MethodsState {
  const state = useContext(MethodsContext);
  if (!state) throw new Error('useMethods must be used inside <MethodsProvider>');
  return state;
}

/** A method's name as the catalog titles it; the stored id while the catalog loads, or for a method it lacks. */
export function methodTitle(methods: readonly MethodInfo[] | null, name: string): string {
  return methods?.find((m) => m.name === name)?.title ?? name;
}
