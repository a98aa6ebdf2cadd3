import type { Run } from '../../../../shared/runs';

export interface RunTreeNode {
  run: Run;
  depth: number;
  children: RunTreeNode[];
}

/**
 * The project's runs as branches: each run under the run it was branched from (parentRunId), siblings oldest first.
 * A run whose parent is not in the list (deleted, another project) is shown as a root.
 */
export function buildRunTree(runs: readonly Run[]): RunTreeNode[] {
  const ids = new Set(runs.map((r) => r.id));
  const byParent = new Map<string | null, Run[]>();
  for (const run of runs) {
    const parent = run.parentRunId && ids.has(run.parentRunId) ? run.parentRunId : null;
    const siblings = byParent.get(parent) ?? [];
    siblings.push(run);
    byParent.set(parent, siblings);
  }
  const build = (parent: string | null, depth: number, seen: Set<string>): RunTreeNode[] =>
    (byParent.get(parent) ?? [])
      .filter((run) => !seen.has(run.id))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((run) => {
        const path = new Set(seen).add(run.id);
        return { run, depth, children: build(run.id, depth + 1, path) };
      });
  return build(null, 0, new Set());
}

/** Depth-first order, as the tree is listed on screen. */
export function flattenRunTree(nodes: readonly RunTreeNode[]): RunTreeNode[] {
  return nodes.flatMap((node) => [node, ...flattenRunTree(node.children)]);
}
