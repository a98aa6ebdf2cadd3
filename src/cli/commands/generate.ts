import { KilnError } from '../../shared/errors';
import { createRun } from '../../core/pipeline/run-control';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { executeWithProgress, runSummary } from '../execute-run';
import { DEFAULT_PROJECT, projectNamed, RUN_OPTIONS, RUN_OPTIONS_USAGE, runFieldsFromOptions } from '../run-options';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Turn a prompt into 3D Gaussians by score distillation (the demo prior by default).',
  usage: `kiln generate --prompt TEXT ${RUN_OPTIONS_USAGE}
              [--project NAME] [--name NAME] [--json] [--home DIR]

Runs in this process with a progress bar; Ctrl-C stops after the current iteration and "kiln resume RUN" continues.
The project (default "${DEFAULT_PROJECT}") is created if it does not exist.`,
  options: { ...RUN_OPTIONS, project: { type: 'string' }, name: { type: 'string' }, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values }, io) {
    if (values.prompt === undefined) throw new KilnError('invalid-request', 'give a prompt: kiln generate --prompt "a snowman"');
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const project = projectNamed(store, values.project as string | undefined);
      const run = createRun(store.runs, project.id, runFieldsFromOptions(values), values.name as string | undefined);
      const done = await executeWithProgress(store, run, values, io);
      io.out(values.json ? JSON.stringify(done) + '\n' : runSummary(done) + '\n');
      return done.status === 'completed' ? 0 : 130;
    } finally {
      store.close();
    }
  },
};
