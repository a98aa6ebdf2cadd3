import { KilnError } from '../../shared/errors';
import { EXPORT_FORMATS } from '../../core/export/formats';
import { exportRunSnapshot } from '../../core/pipeline/export-run';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { jsonObjectOption, wholeNumberOption } from '../run-options';

export const EXPORT_OPTIONS = { format: { type: 'string' }, options: { type: 'string' } } as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a snapshot of a run as a file for viewers, game engines and DCC tools.',
  usage: `kiln export RUN [--at ITER] [--format ${EXPORT_FORMATS.map((f) => f.name).join('|')}] --out FILE [--options JSON] [--json] [--home DIR]

${EXPORT_FORMATS.map((f) => `  ${f.name.padEnd(4)} ${f.summary}`).join('\n')}

The format defaults to the one the file's extension names; --at defaults to the newest snapshot.`,
  options: { at: { type: 'string' }, out: { type: 'string' }, ...EXPORT_OPTIONS, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values, positionals }, io) {
    const [id] = positionals;
    if (!id) throw new KilnError('invalid-request', 'give a run id: kiln export RUN --out FILE (see "kiln runs")');
    if (values.out === undefined) throw new KilnError('invalid-request', 'give a destination: --out FILE.ply (or .spz, .glb …)');
    const at = wholeNumberOption(values, 'at');
    const options = jsonObjectOption(values, 'options');
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const run = store.runs.findRun(id);
      const result = await exportRunSnapshot(store, { runId: run.id, iteration: at, format: values.format as string | undefined, path: values.out as string, options });
      io.out(values.json ? JSON.stringify(result) + '\n' : `Wrote ${result.path} (${result.format}, ${result.byteLength} bytes) from iteration ${result.iteration}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
