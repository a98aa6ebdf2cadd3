import { KilnError } from '../../shared/errors';
import { storeReferenceImage } from '../../core/pipeline/reference-intake';
import { createBranch } from '../../core/pipeline/run-control';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { executeWithProgress, executionOptions, printCaptionNote, runSummary } from '../execute-run';
import { RUN_OPTIONS, RUN_OPTIONS_USAGE, runFieldsFromOptions, runNameOption, wholeNumberOption } from '../run-options';

export const branchCommand: Command = {
  name: 'branch',
  summary: "Start a new run from a snapshot of another, with a different method, prompt, seed or settings.",
  usage: `kiln branch RUN --at ITER ${RUN_OPTIONS_USAGE}
              [--name NAME] [--json] [--home DIR]

The branch starts from the snapshot exactly as stored and runs its own schedule; unspecified settings are the parent's.`,
  options: { at: { type: 'string' }, name: { type: 'string' }, ...RUN_OPTIONS, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values, positionals }, io) {
    const [id] = positionals;
    if (!id) throw new KilnError('invalid-request', 'give a run id: kiln branch RUN --at ITER');
    if (values.at === undefined) throw new KilnError('invalid-request', '--at ITER must name a snapshot iteration (see "kiln runs show RUN")');
    const at = wholeNumberOption(values, 'at')!;
    const fields = runFieldsFromOptions(values);
    const execution = executionOptions(values);
    const name = runNameOption(values);
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const parent = store.runs.findRun(id);
      const { request, warnings } = await storeReferenceImage(store.blobs, fields);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      const run = createBranch(store.runs, parent.id, at, request, name);
      printCaptionNote(run, io);
      const done = await executeWithProgress(store, run, execution, io);
      io.out(values.json ? JSON.stringify(done) + '\n' : runSummary(done) + '\n');
      return done.status === 'completed' ? 0 : 130;
    } finally {
      store.close();
    }
  },
};
