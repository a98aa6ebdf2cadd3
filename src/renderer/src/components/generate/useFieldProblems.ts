import { useCallback, useState } from 'react';

/** Which fields of a form hold text that cannot be used, and why; `report` is stable so fields can call it from effects. */
export function useFieldProblems() {
  const [problems, setProblems] = useState<Record<string, string>>({});
  const report = useCallback((field: string, problem: string | null) => {
    setProblems((current) => {
      if ((current[field] ?? null) === problem) return current;
      const { [field]: _, ...rest } = current;
      return problem === null ? rest : { ...rest, [field]: problem };
    });
  }, []);
  const clear = useCallback(() => setProblems({}), []);
  return { problems, hasProblems: Object.keys(problems).length > 0, report, clear };
}
