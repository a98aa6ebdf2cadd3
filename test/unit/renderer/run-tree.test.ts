import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/shared/runs';
import { buildRunTree, flattenRunTree } from '../../../src/renderer/src/components/timeline/run-tree';

let counter = 0;
function run(name: string, parent: Run | null, createdAt: string): Run {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    projectId: '00000000-0000-4000-8000-aaaaaaaaaaaa',
    name,
    status: 'completed',
    method: 'sds',
    prompt: 'a red cube',
    referenceImage: null,
    seed: 0,
    targetIterations: 100,
    lastIteration: 100,
    parentRunId: parent?.id ?? null,
    parentIteration: parent ? 50 : null,
    error: null,
    createdAt,
    updatedAt: createdAt,
    config: {},
  };
}

describe('buildRunTree', () => {
  it('nests branches under their parent, siblings oldest first, and lists depth-first', () => {
    const root = run('root', null, '2026-01-01T00:00:00Z');
    const late = run('late branch', root, '2026-01-01T03:00:00Z');
    const early = run('early branch', root, '2026-01-01T01:00:00Z');
    const nested = run('branch of branch', early, '2026-01-01T02:00:00Z');
    const other = run('second root', null, '2026-01-01T00:30:00Z');
    const flat = flattenRunTree(buildRunTree([nested, late, other, root, early]));
    expect(flat.map((n) => [n.run.name, n.depth])).toEqual([
      ['root', 0],
      ['early branch', 1],
      ['branch of branch', 2],
      ['late branch', 1],
      ['second root', 0],
    ]);
  });

  it('shows a run whose parent is missing as a root', () => {
    const ghostParent = run('deleted', null, '2026-01-01T00:00:00Z');
    const orphan = run('orphan', ghostParent, '2026-01-01T01:00:00Z');
    expect(flattenRunTree(buildRunTree([orphan])).map((n) => [n.run.name, n.depth])).toEqual([['orphan', 0]]);
  });
});
