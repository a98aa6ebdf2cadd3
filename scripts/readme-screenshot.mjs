// Remakes docs/screenshot.png, the README's picture of the studio, from a real finished run:
//   node scripts/readme-screenshot.mjs [--skip-build] [--keep-home | --home DIR]
// It builds the CLI and the app, runs the README's main job with the CLI in a fresh Kiln home (`kiln generate
// --prompt "a snowman" --seed 0 --out …glb`: Gaussians, then the DMTet mesh stage; a few minutes on the demo prior),
// serves that home with `kiln serve` on a free loopback port, opens the studio in headless Chromium at 1440×900,
// shows the run at its last snapshot (the mesh), fits the view and saves the screenshot. Nothing is staged: the
// picture is whatever the real run and the real studio show. It is a script and not an e2e test because it makes a
// tracked file from a minutes-long run, which the test suite must never do (the e2e tests' own screenshots go to
// test-results unless KILN_DOCS_SCREENSHOTS=1); it reuses their helpers (Chromium's flags, starting `kiln serve`,
// opening the studio) by bundling them with esbuild (scripts/import-bundled.mjs).
// --keep-home keeps the Kiln home of the run; --home DIR takes the picture again from such a home without running
// the job again (to work on the framing).
/* global document -- the functions given to page.waitForFunction run in the studio page */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importBundled } from './import-bundled.mjs';

const PROMPT = 'a snowman';
const VIEWPORT = { width: 1440, height: 900 };
const OUT = 'docs/screenshot.png';
/**
 * A horizontal drag across the viewport that turns the camera from the default view to one where the mesh reads as a
 * snowman: three stacked balls, the nose in sight, and the mesh's flaws (two flaps, grey smudges) in sight as well.
 */
const ORBIT_DRAG_PX = -120;
const { values } = parseArgs({ options: { 'skip-build': { type: 'boolean' }, 'keep-home': { type: 'boolean' }, home: { type: 'string' } } });

function runOrFail(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

if (!values['skip-build']) {
  runOrFail('npm', ['run', 'build:cli']);
  runOrFail('npm', ['run', 'build:app']);
}

// The bundle lies two folders below the repository root, as the helpers do, so their paths to bin/kiln.mjs still hold.
const { launchChromium, startKilnServer, callStudio, openStudio, PageErrorLog } = await importBundled(
  [
    "export { launchChromium } from './test/e2e/browser';",
    "export { startKilnServer } from './test/e2e/kiln-server';",
    "export { callStudio, openStudio, PageErrorLog } from './test/e2e/studio-page';",
  ].join('\n'),
  'out/scripts/readme-screenshot-helpers.mjs',
);

const home = values.home ?? mkdtempSync(join(tmpdir(), 'kiln-readme-'));
let server;
let browser;
try {
  if (values.home === undefined) {
    console.log(`Kiln home ${home}: running the README's main job`);
    const glb = join(home, 'snowman.glb');
    runOrFail(process.execPath, ['bin/kiln.mjs', 'generate', '--prompt', PROMPT, '--seed', '0', '--home', home, '--out', glb]);
    if (!existsSync(glb)) throw new Error(`the run wrote no ${glb}`);
  }

  server = await startKilnServer(home);
  const [project] = await callStudio(server.url, 'projects.list', {});
  const [run] = await callStudio(server.url, 'runs.list', { projectId: project.id });
  if (run.status !== 'completed') throw new Error(`the run is ${run.status}, not completed`);
  const last = run.lastIteration;

  browser = await launchChromium();
  const errors = new PageErrorLog();
  const page = await openStudio(browser, server.url, errors, { viewport: VIEWPORT });
  await page.getByRole('button', { name: `Open ${project.name}` }).click();
  await page.getByRole('button', { name: `Show run ${run.name}` }).click();
  const stageMark = page.getByRole('separator', { name: /^DMTet mesh \(stage 2 of 2\) starts after iteration \d+$/ });
  await stageMark.waitFor();
  await page.getByRole('button', { name: `Show iteration ${last}` }).click();
  await page.getByRole('status', { name: 'Shown iteration' }).getByText(`${last} / ${last} · DMTet mesh`).waitFor();
  await page.getByText(`${run.name} · iteration ${last} · mesh`, { exact: true }).waitFor({ timeout: 60_000 });
  const progress = page.getByRole('region', { name: 'Progress' });
  await progress.locator('dd', { hasText: /^Completed$/ }).waitFor();

  // The framing, all of it things an artist does in the studio: the strip scrolled to where the mesh stage begins
  // (the shown snapshot, the last, is then off the strip's right end; the slider and readout still say which it
  // is), the side panel scrolled down to the run's progress, the camera turned by a drag, the grid off (the
  // ground plane cuts through the object's lower half) and Fit view.
  await stageMark.evaluate((mark) => mark.scrollIntoView({ inline: 'center', block: 'nearest' }));
  await progress.evaluate((panel) => panel.scrollIntoView({ block: 'end' }));
  const canvas = await page.locator('[aria-label="3D viewport"] canvas').boundingBox();
  const [x, y] = [canvas.x + canvas.width / 2, canvas.y + canvas.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + ORBIT_DRAG_PX, y, { steps: 10 });
  await page.mouse.up();
  await page.getByLabel('Grid', { exact: true }).uncheck();
  await page.getByRole('button', { name: 'Fit view', exact: true }).click();
  // Fit view eases the camera; the strip's thumbnails load lazily once scrolled into view.
  await page.waitForFunction(() => {
    const strip = document.querySelector('.thumbnail-strip').getBoundingClientRect();
    const shown = [...document.querySelectorAll('.thumbnail-strip .thumbnail')].filter((t) => {
      const r = t.getBoundingClientRect();
      return r.right > strip.left && r.left < strip.right;
    });
    return shown.every((t) => t.querySelector('img')?.complete && t.querySelector('img').naturalWidth > 0);
  });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: OUT });
  if (errors.errors.length > 0) throw new Error(`the studio reported errors:\n${errors.errors.join('\n')}`);
  console.log(`Wrote ${OUT}: run ${run.id} (${run.name}, seed ${run.seed}) at iteration ${last} of ${last}`);
} finally {
  await browser?.close();
  await server?.stop();
  if (values['keep-home']) console.log(`Kept the Kiln home ${home}`);
  else if (values.home === undefined) rmSync(home, { recursive: true, force: true });
}
