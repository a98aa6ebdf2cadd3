import { KilnError } from '../../shared/errors';
import { assertResumable } from '../../core/pipeline/run-control';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { executeWithProgress, executionOptions, runSummary } from '../execute-run';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Continue a stopped or interrupted run from its last snapshot to the end.',
  usage: `kiln resume RUN [--threads N] [--json] [--home DIR]

RUN is a run id or its first characters (see "kiln runs").`,
  options: { threads: { type: 'string' }, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values, positionals }, io) {
    const [id] = positionals;
    if (!id) throw new KilnError('invalid-request', 'give a run id: kiln resume RUN (see "kiln runs")');
    const execution = executionOptions(values);
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const run = store.runs.findRun(id);
      assertResumable(run);
      const done = await executeWithProgress(store, run, execution, io);
      io.out(values.json ? JSON.stringify(done) + '\n' : runSummary(done) + '\n');
      return done.status === 'completed' ? 0 : 130;
    } finally {
      store.close();
    }
  },
};
