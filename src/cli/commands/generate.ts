import { KilnError } from '../../shared/errors';
import { exportFormatForPath } from '../../core/export/formats';
import { exportRunSnapshot } from '../../core/pipeline/export-run';
import { storeReferenceImage } from '../../core/pipeline/reference-intake';
import { MESH_OUTPUT_STAGES } from '../../core/pipeline/presets';
import { createRun } from '../../core/pipeline/run-control';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { executeWithProgress, executionOptions, printCaptionNote, runSummary } from '../execute-run';
import { generateRemotely } from '../generate-remotely';
import { DEFAULT_PROJECT, jsonObjectOption, projectNamed, RUN_OPTIONS, RUN_OPTIONS_USAGE, runFieldsFromOptions, runNameOption, validProjectName } from '../run-options';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Turn a prompt or a photo into 3D Gaussians by score distillation (the demo priors by default).',
  usage: `kiln generate --prompt TEXT | --image FILE ${RUN_OPTIONS_USAGE}
              [--project NAME] [--name NAME] [--out FILE.ply|.spz|.glb [--options JSON]] [--json] [--home DIR]
              [--server http://HOST:PORT [--detach]]

The method defaults to VDM (the method benchmark's best on the demo prior) and the preset to balanced.
With --image the run is conditioned on the photo (the view-conditioned demo prior, demo-view, unless --model names
a view-conditioned pack); it is checked, cut out and framed before anything is recorded. Its --prompt is a caption:
with --method dtc, DTC123's text teacher reads it in the mesh stage, on --text-model (the text demo prior, demo,
by default); with other methods it only describes the run.
--out exports the final snapshot (format from the extension; see "kiln export --help"). With --out FILE.glb and no
--stages the run is Gaussians then a DMTet mesh stage, and the GLB is that mesh; --stages '[{"representation":"gaussians"}]'
keeps the splats-only GLB (marching cubes over the splats' density).
Runs in this process with a progress bar; Ctrl-C stops after the current iteration and "kiln resume RUN" continues.
The project (default "${DEFAULT_PROJECT}") is created if it does not exist.
--server URL runs it in that studio ("kiln serve", on its farm if it has one) and shows its progress; --detach
prints the run id and returns at once (a network studio wants its access token in KILN_SERVE_TOKEN).`,
  options: { ...RUN_OPTIONS, project: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, options: { type: 'string' }, server: { type: 'string' }, detach: { type: 'boolean' }, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values }, io) {
    if (values.prompt === undefined && values.image === undefined) {
      throw new KilnError('invalid-request', 'give a prompt or a photo: kiln generate --prompt "a snowman", or kiln generate --image photo.png');
    }
    // Every option is checked before anything is recorded: a refused option leaves no run and no project behind.
    const out = values.out as string | undefined;
    const format = out === undefined ? undefined : exportFormatForPath(out); // a bad destination fails now, not after the run
    // A mesh product gets a mesh stage after the splats unless --stages says otherwise (docs/bench/readme-glb.md).
    const fields = { ...(format?.name === 'glb' ? { stages: MESH_OUTPUT_STAGES } : {}), ...runFieldsFromOptions(values) };
    if (values.server !== undefined) {
      const local = ['out', 'threads', 'home'].find((k) => values[k] !== undefined);
      if (local) throw new KilnError('invalid-request', `--${local} is for runs on this machine; with --server the studio runs it (export from the studio or with "kiln export" there)`);
      const projectName = values.project === undefined ? DEFAULT_PROJECT : validProjectName(values.project);
      return generateRemotely({ server: String(values.server), fields, projectName, name: runNameOption(values), detach: values.detach === true, json: values.json === true }, io);
    }
    if (values.detach) throw new KilnError('invalid-request', '--detach needs --server: a run on this machine lives in this process');
    const execution = executionOptions(values);
    const projectName = values.project === undefined ? DEFAULT_PROJECT : validProjectName(values.project);
    const name = runNameOption(values);
    const exportOptions = jsonObjectOption(values, 'options');
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      // The photo is checked before any row is written (a damaged one leaves no run and no project).
      const { request, warnings } = await storeReferenceImage(store.blobs, fields);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      // One transaction: a request the run config refuses does not leave a newly created project behind.
      const run = store.db.transaction(() => createRun(store.runs, projectNamed(store, projectName).id, request, name)).immediate();
      printCaptionNote(run, io);
      const done = await executeWithProgress(store, run, execution, io);
      const exported = out !== undefined && done.status === 'completed' ? await exportRunSnapshot(store, { runId: done.id, path: out, options: exportOptions }) : undefined;
      io.out(values.json ? JSON.stringify({ ...done, export: exported }) + '\n' : runSummary(done) + '\n');
      if (exported && !values.json) io.out(`Wrote ${exported.path} (${exported.format}, ${exported.byteLength} bytes)\n`);
      return done.status === 'completed' ? 0 : 130;
    } finally {
      store.close();
    }
  },
};
