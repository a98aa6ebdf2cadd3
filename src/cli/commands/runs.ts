import { runSubject } from '../../shared/runs';
import { KilnError } from '../../shared/errors';
import { liveStatus } from '../../core/pipeline/run-control';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { cancelRun } from '../../core/studio/cancel-run';
import { openKilnStore } from '../../core/store/kiln-store';
import type { RunRecord } from '../../core/store/run-repository';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';

function table(runs: (RunRecord & { live: string })[]): string {
  if (runs.length === 0) return 'No runs yet. Start one with: kiln generate --prompt "a snowman"\n';
  const rows = runs.map((r) => [
    r.id.slice(0, 8),
    r.live,
    `${r.lastIteration}/${r.targetIterations}`,
    r.method,
    r.parentRunId ? `${r.parentRunId.slice(0, 8)}@${r.parentIteration}` : '',
    r.createdAt.slice(0, 19).replace('T', ' '),
    `"${runSubject(r)}"`,
  ]);
  const head = ['RUN', 'STATUS', 'ITER', 'METHOD', 'BRANCH OF', 'CREATED', 'PROMPT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List generation runs (with their status, progress and branches), show one with its snapshots, or cancel one.',
  usage: `kiln runs [--project NAME] [--json] [--home DIR]
       kiln runs show RUN [--json]
       kiln runs cancel RUN [--json]   end a run in any state: one another process is running stops first (after its
                                       current iteration); one marked running whose process is gone is marked cancelled`,
  options: { project: { type: 'string' }, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values, positionals }, io) {
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const [action = 'list', id] = positionals;
      if (action === 'show') {
        if (!id) throw new KilnError('invalid-request', 'give a run id: kiln runs show RUN');
        const run = store.runs.findRun(id);
        const snapshots = store.runs.listSnapshots(run.id);
        if (values.json) {
          io.out(JSON.stringify({ ...run, status: liveStatus(run), snapshots }, null, 2) + '\n');
        } else {
          io.out(`${run.id}  ${liveStatus(run)}  "${runSubject(run)}"  ${run.method}  seed ${run.seed}\n`);
          if (run.error) io.out(`error: ${run.error}\n`);
          io.out(`snapshots: ${snapshots.map((s) => s.iteration).join(' ')}\n`);
        }
        return 0;
      }
      if (action === 'cancel') {
        if (!id) throw new KilnError('invalid-request', 'give a run id: kiln runs cancel RUN');
        const run = store.runs.findRun(id);
        const before = liveStatus(run);
        const after = await cancelRun(store, run.id);
        if (values.json) io.out(JSON.stringify({ ...after, status: liveStatus(after) }) + '\n');
        else if (before === 'completed' || before === 'cancelled') io.out(`run ${run.id.slice(0, 8)} had already ended (${before}); nothing to cancel\n`);
        else io.out(`Cancelled run ${run.id.slice(0, 8)} (it was ${before}) at iteration ${after.lastIteration}/${after.targetIterations}\n`);
        return 0;
      }
      if (action !== 'list') {
        io.err(`kiln runs: unknown action "${action}" (use list, show or cancel)\n`);
        return 2;
      }
      let projectId: string | undefined;
      if (values.project !== undefined) {
        const project = store.projects.findByName(values.project as string);
        if (!project) throw new KilnError('not-found', `no project named "${String(values.project)}"; list them with: kiln projects`);
        projectId = project.id;
      }
      const runs = store.runs.listRuns(projectId).map((r) => ({ ...r, live: liveStatus(r) }));
      io.out(values.json ? JSON.stringify(runs.map(({ live, ...r }) => ({ ...r, status: live })), null, 2) + '\n' : table(runs));
      return 0;
    } finally {
      store.close();
    }
  },
};
