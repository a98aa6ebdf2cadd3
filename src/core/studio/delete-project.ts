import { runSubject } from '../../shared/runs';
import { KilnError } from '../../shared/errors';
import { liveStatus } from '../pipeline/run-control';
import type { KilnStore } from '../store/kiln-store';

/**
 * Deletes a project unless one of its runs is in progress (in this process or any other): deleting its rows under a
 * working engine would leave the engine writing into a run that no longer exists. The rule is the same for the
 * StudioApi, the CLI and the studio, and the refusal names the run and how to end it. The check and the delete
 * share one IMMEDIATE transaction, so no other process records a run in between.
 */
export function deleteProject(store: KilnStore, projectId: string, isActiveHere: (runId: string) => boolean = () => false): void {
  store.db
    .transaction(() => {
      const project = store.projects.get(projectId);
      const busy = store.runs.listRuns(projectId).filter((r) => isActiveHere(r.id) || liveStatus(r) === 'running');
      if (busy.length > 0) {
        const named = busy.map((r) => `run ${r.id.slice(0, 8)} "${runSubject(r)}" (${r.lastIteration}/${r.targetIterations})`).join(', ');
        throw new KilnError(
          'conflict',
          `project "${project.name}" has ${busy.length === 1 ? 'a run' : 'runs'} in progress: ${named}; cancel ${busy.length === 1 ? 'it' : 'them'} first ` +
            `(Cancel in the studio, or kiln runs cancel ${busy[0]!.id.slice(0, 8)}), then delete the project`,
        );
      }
      store.projects.delete(projectId);
    })
    .immediate();
}
