import { KilnError } from '../../shared/errors';
import type { RunStatus } from '../../shared/runs';
import type { RunRecord, RunRepository } from '../store/run-repository';
import { checkRunModels } from './check-run-models';
import { REPRESENTATIONS, representationByName } from '../scene/registry';
import { branchConfig, resolveRunConfig, ResolvedRunConfig, totalIterations } from './run-config';

/** Validates a generation request and records the run (nothing runs yet: `executeRun` does that). */
export function createRun(runs: RunRepository, projectId: string, request: unknown, name?: string): RunRecord {
  const config = resolveRunConfig(request);
  const first = representationByName(config.stages[0]!.representation);
  if (!first.startsFromScratch) {
    throw new KilnError('invalid-request', `a run cannot start with a ${first.name} stage; start with a stage that starts from nothing (${REPRESENTATIONS.filter((r) => r.startsFromScratch).map((r) => r.name).join(', ')}), or branch from a snapshot`);
  }
  checkRunModels(config);
  return runs.createRun({ projectId, name, config, method: config.stages[0]!.method, seed: config.seed, targetIterations: totalIterations(config) });
}

/**
 * Records a branch: a new run that starts from `runId`'s snapshot at `iteration` with the parent's request and the
 * overrides (method, prompt, seed, settings …), its parent and iteration kept for the run tree.
 */
export function createBranch(runs: RunRepository, runId: string, iteration: number, overrides: Record<string, unknown>, name?: string): RunRecord {
  const parent = runs.getRun(runId);
  const snapshot = runs.getSnapshot(runId, iteration); // a clear error when there is no snapshot there
  const config = branchConfig(ResolvedRunConfig.parse(parent.config), overrides, snapshot.stage);
  const first = representationByName(config.stages[0]!.representation);
  if (!first.startsFrom.includes(snapshot.payloadKind)) {
    throw new KilnError('invalid-request', `a branch from snapshot ${iteration} (${snapshot.payloadKind}) cannot start with a ${first.name} stage, which starts from ${first.startsFrom.join(' or ')}`);
  }
  checkRunModels(config);
  return runs.createRun({
    projectId: parent.projectId,
    name: name ?? `${parent.name} ↳ ${iteration}`,
    config,
    method: config.stages[0]!.method,
    seed: config.seed,
    targetIterations: totalIterations(config),
    parentRunId: runId,
    parentIteration: iteration,
  });
}

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run marked running whose process is gone was interrupted (killed, crashed, power cut): it can be resumed. */
export function liveStatus(run: RunRecord): RunStatus {
  return run.status === 'running' && run.pid !== null && !isAlive(run.pid) ? 'interrupted' : run.status;
}

/** Whether `kiln resume` may continue this run, and if not, why. */
export function assertResumable(run: RunRecord): void {
  const status = liveStatus(run);
  if (status === 'completed') throw new KilnError('conflict', `run ${run.id.slice(0, 8)} is already complete; branch from it to go further`);
  if (status === 'running') {
    const where = run.pid === null ? 'but no process has picked it up (it may be starting, or was recorded before a failure)' : `in process ${run.pid}`;
    throw new KilnError('conflict', `run ${run.id.slice(0, 8)} is marked running ${where}; end it first with: kiln runs cancel ${run.id.slice(0, 8)}`);
  }
}
