import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readInriaPly } from '../../src/core/export/ply/ply-reader';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { chartEdgeInk } from './chart-pixels';
import { exportThroughDialog } from './export-dialog';
import { startKilnServer, type KilnServer } from './kiln-server';
import { callStudio, openStudio, PageErrorLog } from './studio-page';
import { canvasIn, colourShare } from './viewport-pixels';

interface ValidationReport {
  issues: { numErrors: number; messages: { code: string; message: string; severity: number }[] };
}
const gltfValidator = createRequire(import.meta.url)('gltf-validator') as { validateBytes(data: Uint8Array): Promise<ValidationReport> };

// Its own folder: generate-flow clears test-results/e2e-screenshots (where these lived) when it starts.
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'reference-image');
const PHOTO = resolve(import.meta.dirname, '../../resources/reference-samples/snowman-photo.png');
/**
 * The stages the test asks for: the default output runs the Gaussians, then a DMTet mesh. The mesh stage is long
 * enough that the live mesh is seen before it ends (a 12-iteration stage could finish between two live models).
 */
const SPLAT_ITERATIONS = 20;
const MESH_ITERATIONS = 60;
const TOTAL_ITERATIONS = SPLAT_ITERATIONS + MESH_ITERATIONS;
const TEXT_PACKS = ['Demo prior (pixel space, built in)', 'Demo prior (latent space, built in)'];
const VIEW_PACKS = ['Demo prior (view-conditioned, image to 3D, built in)'];

/** The JSON chunk of a GLB (the first chunk after the 12-byte header). */
function glbJson(bytes: Uint8Array): { images?: unknown[]; meshes?: unknown[]; materials?: unknown[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + length))) as { images?: unknown[]; meshes?: unknown[] };
}

/**
 * The studio's photo path in Chromium against the real `kiln serve`, as issue 14's acceptance walks it: browse for a
 * photo → see the mask → Generate (the default output: Gaussians, then the DMTet mesh) → watch it live → scrub across
 * the stages → export the GLB, which the Khronos validator accepts. Screenshots under
 * test-results/e2e/reference-image/.
 */
describe('generating from a photo in the studio', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-photo-');
  const scratch = mkdtempSync(join(tmpdir(), 'kiln-e2e-photo-files-'));
  let browser: Browser;
  let server: KilnServer;
  let page: Page;
  const errors = new PageErrorLog(() => expect.getState().currentTestName ?? 'setup');
  const panel = () => page.getByRole('region', { name: 'Reference image' });
  const maskSrc = () => panel().getByRole('img', { name: 'Mask' }).getAttribute('src');
  const progress = () => page.getByRole('region', { name: 'Progress' });
  const readout = () => page.getByRole('status', { name: 'Shown iteration' });
  const modelOptions = () => page.getByRole('combobox', { name: 'Model', exact: true }).locator('option').allTextContents();
  const displayMode = () => page.getByRole('toolbar', { name: 'Viewport tools' }).getByLabel('Display mode').locator('option:checked').textContent();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    server = await startKilnServer(home);
    page = await openStudio(browser, server.url, errors, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    await page.getByLabel('New project name').fill('Photos');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'Generate', exact: true }).waitFor();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await page.screenshot({ path: join(SCREENSHOTS, `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`) });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the original, the cut-out and its mask, which follows the foreground threshold', async () => {
    expect(await page.getByRole('button', { name: 'Generate', exact: true }).isDisabled()).toBe(true);
    // A text run is offered the text packs only: the view-conditioned pack cannot take a prompt.
    await expect.poll(modelOptions, { timeout: 20_000 }).toEqual(TEXT_PACKS);
    await page.getByLabel('Reference photo file').setInputFiles(PHOTO);
    await panel().getByRole('img', { name: 'Original photo' }).waitFor();
    await expect.poll(maskSrc, { timeout: 20_000 }).toMatch(/^data:image\/png;base64,/);
    await panel().getByText('Mask (built-in)').waitFor();
    await panel().getByText(/built-in segmentation/).first().waitFor();
    // The model follows the photo: the view-conditioned demo prior, the only pack offered that takes a photo.
    expect(await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()).toBe('demo-view');
    expect(await modelOptions()).toEqual(VIEW_PACKS);
    const before = await maskSrc();
    await page.getByLabel('Foreground threshold').fill('0.6');
    await expect.poll(maskSrc, { timeout: 20_000 }).not.toBe(before);
    await page.getByLabel('Foreground threshold').fill('0.1');
    await expect.poll(maskSrc, { timeout: 20_000 }).toBe(before);
    await page.screenshot({ path: join(SCREENSHOTS, '01-photo-mask.png') });
    expect(await page.getByRole('button', { name: 'Generate', exact: true }).isDisabled()).toBe(false);
  }, 60_000);

  it('generates a mesh from the photo alone, watched live into the mesh stage; the run records the photo', async () => {
    await page.getByLabel('Method').selectOption({ label: 'SDS' });
    expect(await page.getByLabel('Output', { exact: true }).inputValue()).toBe('mesh');
    await page.getByLabel('Iterations', { exact: true }).fill(String(SPLAT_ITERATIONS));
    await page.getByLabel('Mesh iterations', { exact: true }).fill(String(MESH_ITERATIONS));
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    // Watched live: the viewport follows the live model, the splats and then the mesh, as progress names the stage.
    await page.getByText(/^snowman-photo\.png · iteration \d+ · mesh \(live\)$/).waitFor({ timeout: 240_000 });
    expect(await progress().locator('dt:has-text("Stage") + dd').textContent()).toBe('DMTet mesh (stage 2 of 2)');
    expect(await progress().locator('dd', { hasText: /^Running$/ }).count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, '02-photo-run-live-mesh.png') });
    await progress().locator('dd', { hasText: /^Completed$/ }).waitFor({ timeout: 240_000 });
    // The loss chart's axes fit their labels: none is cut off at the chart's edge.
    const chart = progress().getByRole('img', { name: 'Loss terms and timestep t by iteration' });
    expect(await chartEdgeInk(chart)).toEqual({ left: 0, right: 0, bottom: 0 });
    await page.screenshot({ path: join(SCREENSHOTS, '03-photo-run-completed.png') });
    const projects = await callStudio<{ id: string; name: string }[]>(server.url, 'projects.list', {});
    const runs = await callStudio<{ prompt: string | null; referenceImage: { name: string } | null; status: string }[]>(server.url, 'runs.list', {
      projectId: projects.find((p) => p.name === 'Photos')!.id,
    });
    expect(runs.map((r) => [r.prompt, r.referenceImage?.name, r.status])).toEqual([[null, 'snowman-photo.png', 'completed']]);
    expect(errors.errors).toEqual([]);
  }, 360_000);

  it('scrubs back to the splats and forward to the mesh', async () => {
    const viewport = canvasIn('3D viewport');
    await page.getByText(new RegExp(`^snowman-photo\\.png · iteration ${TOTAL_ITERATIONS} · mesh$`)).waitFor({ timeout: 30_000 });
    const mesh = await colourShare(page, viewport);
    const slider = page.getByRole('slider', { name: 'Snapshot' });
    await slider.focus();
    await slider.press('Home');
    await expect.poll(() => readout().textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^\\d+ / ${TOTAL_ITERATIONS} · Gaussians$`));
    await page.getByText(/^snowman-photo\.png · iteration \d+$/).waitFor({ timeout: 30_000 });
    expect(await displayMode()).toBe('Splats');
    await expect.poll(async () => (await colourShare(page, viewport, mesh.pixels)).diffFromReference!, { timeout: 30_000 }).toBeGreaterThan(2);
    await page.screenshot({ path: join(SCREENSHOTS, '04-scrubbed-to-splats.png') });
    await slider.press('End');
    await expect.poll(() => readout().textContent(), { timeout: 10_000 }).toBe(`${TOTAL_ITERATIONS} / ${TOTAL_ITERATIONS} · DMTet mesh`);
    await page.getByText(new RegExp(`^snowman-photo\\.png · iteration ${TOTAL_ITERATIONS} · mesh$`)).waitFor({ timeout: 30_000 });
    expect(await displayMode()).toBe('Mesh (shaded)');
    await page.screenshot({ path: join(SCREENSHOTS, '05-scrubbed-to-mesh.png') });
    expect(errors.errors).toEqual([]);
  }, 90_000);

  /** Exports the shown (mesh) snapshot; the dialog says what that snapshot exports as: the mesh itself for GLB. */
  const exportAs = (formatTitle: RegExp, screenshot: string) =>
    exportThroughDialog(page, formatTitle, scratch, async (dialog) => {
      await dialog.getByText(/^This snapshot is the DMTet mesh: the GLB is that surface/).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
    });

  it('exports the mesh as a textured GLB that the Khronos glTF validator accepts', async () => {
    const { bytes, status } = await exportAs(/\(\.glb\)/, '06-exported-glb.png');
    expect(status).toMatch(new RegExp(`^Exported iteration ${TOTAL_ITERATIONS} `));
    const report = await gltfValidator.validateBytes(bytes);
    expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
    // The DMTet surface with its albedo baked to a texture.
    const json = glbJson(bytes);
    expect(json.meshes?.length).toBeGreaterThan(0);
    expect(json.images?.length).toBeGreaterThan(0);
    expect(errors.errors).toEqual([]);
  }, 150_000);

  it('exports splats from the mesh snapshot: the Gaussians its mesh stage started from', async () => {
    const { bytes, status } = await exportAs(/\(\.ply\)/, '07-exported-ply.png');
    expect(status).toMatch(new RegExp(`^Exported iteration ${SPLAT_ITERATIONS} `));
    expect(readInriaPly(bytes).count).toBeGreaterThan(100);
    expect(errors.errors).toEqual([]);
  }, 150_000);

  it("says what a caption feeds, and offers a text model only where it feeds DTC123's text teacher", async () => {
    const textModel = page.getByRole('combobox', { name: 'Text model' });
    await page.getByLabel('Prompt', { exact: true }).fill('a snowman');
    await page.getByText('The caption describes the run: SDS has no text teacher, so it does not steer the result.').waitFor();
    expect(await textModel.count()).toBe(0);
    await page.getByLabel('Method').selectOption({ label: 'DTC123' });
    await page.getByText("The caption feeds DTC123's text teacher, read by the text model demo.").waitFor();
    // Text-to-image models only: the view-conditioned demo prior is not offered.
    expect(await textModel.inputValue()).toBe('demo');
    expect(await textModel.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(expect.arrayContaining(['demo', 'demo-latent']));
    expect(await textModel.locator('option[value="demo-view"]').count()).toBe(0);
    await textModel.selectOption('demo-latent');
    await page.getByText("The caption feeds DTC123's text teacher, read by the text model demo-latent.").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '03-caption-text-model.png') });
    // The caption is checked as the text model reads it: the text demo prior does not know "ceramic".
    await page.getByLabel('Prompt', { exact: true }).fill('a ceramic snowman');
    await page.getByRole('alert').filter({ hasText: /does not know "ceramic" in the caption/ }).waitFor();
    await page.getByLabel('Prompt', { exact: true }).fill('');
    await textModel.waitFor({ state: 'detached' });
    expect(errors.errors).toEqual([]);
  }, 60_000);
});
