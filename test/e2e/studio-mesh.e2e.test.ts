import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetStageOf } from '../../src/core/pipeline/presets';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { startKilnServer, type KilnServer } from './kiln-server';
import { callStudio, openStudio, PageErrorLog } from './studio-page';
import { writeTwoStageRun } from './synthetic-run';
import { canvasIn } from './viewport-pixels';

/**
 * Screenshots go to test-results; with KILN_DOCS_SCREENSHOTS=1 also to docs/ (the README's), so a test run does not
 * rewrite tracked files.
 */
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'studio-mesh');
const DOCS = join(import.meta.dirname, '..', '..', 'docs');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name) });
  if (process.env.KILN_DOCS_SCREENSHOTS === '1') copyFileSync(join(SCREENSHOTS, name), join(DOCS, name));
}
const VIEWPORT = canvasIn('3D viewport');

/** The viewport at a 64×64 downsample: the red torus's pixels, how their brightness spreads, and the thumbnail. */
interface MeshPixels {
  /** Share of pixels whose red channel clearly leads (the torus's albedo, lit). */
  red: number;
  /** Standard deviation of the red channel over those pixels: 0 for a flat, unlit colour. */
  redSpread: number;
  /** Share of the torus's bounding box that is near-black (wireframe lines). */
  dark: number;
  pixels: number[];
}

function meshPixels(page: Page): Promise<MeshPixels> {
  return page.evaluate((sel) => {
    const source = document.querySelector(sel) as HTMLCanvasElement;
    const size = 64;
    const copy = document.createElement('canvas');
    copy.width = size;
    copy.height = size;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(source, 0, 0, source.width, source.height, 0, 0, size, size);
    const { data } = ctx.getImageData(0, 0, size, size);
    const reds: number[] = [];
    const pixels: number[] = [];
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      pixels.push(r, g, b);
      if (r > 60 && r > g + 30 && r > b + 30) reds.push(r);
      if (r + g + b < 90 && r > g) dark++;
    }
    const mean = reds.reduce((a, v) => a + v, 0) / Math.max(1, reds.length);
    const spread = Math.sqrt(reds.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, reds.length));
    return { red: reds.length / (size * size), redSpread: spread, dark: dark / (size * size), pixels };
  }, VIEWPORT);
}

const meanAbsDiff = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;

/** The viewport toolbar's display mode as shown, and the modes it offers. */
async function displayModes(page: Page): Promise<{ shown: string | null; offered: string[] }> {
  const select = page.getByRole('toolbar', { name: 'Viewport tools' }).getByLabel('Display mode');
  return { shown: await select.locator('option:checked').textContent(), offered: await select.locator('option').allTextContents() };
}

/**
 * A run of Gaussians then a DMTet mesh, recorded through the real store and shown by the real `kiln serve` in
 * Chromium: the timeline marks where the mesh stage begins, the viewport draws a mesh snapshot lit (and its
 * wireframe on request) and a splat snapshot as splats, progress names the stage, and a branch from the mesh keeps
 * to the mesh stage.
 */
describe('a two-stage run (Gaussians → DMTet) in the studio', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-mesh-');
  let browser: Browser;
  let server: KilnServer;
  let page: Page;
  const errors = new PageErrorLog(() => expect.getState().currentTestName ?? 'setup');
  const readout = () => page.getByRole('status', { name: 'Shown iteration' });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeTwoStageRun(home, 'Rings');
    browser = await launchChromium();
    server = await startKilnServer(home);
    page = await openStudio(browser, server.url, errors, { viewport: { width: 1280, height: 800 } });
    await page.getByRole('button', { name: 'Open Rings' }).click();
    await page.getByRole('button', { name: 'Show run a red ring' }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it('marks the stage boundary on the timeline and names the stage in progress', { timeout: 60_000 }, async () => {
    const mark = page.getByRole('separator', { name: 'DMTet mesh (stage 2 of 2) starts after iteration 30' });
    await mark.waitFor();
    // The mark sits between the last splat snapshot and the first mesh snapshot.
    const order = await page.locator('.thumbnail-strip > li').evaluateAll((items) =>
      items.map((li) => (li.classList.contains('stage-mark') ? 'mark' : (li.querySelector('.thumbnail-label')?.textContent ?? ''))),
    );
    expect(order).toEqual(['10', '20', '30', 'mark', '40', '50']);
    await expect.poll(() => readout().textContent()).toBe('50 / 50 · DMTet mesh');
    const progress = page.getByRole('region', { name: 'Progress' });
    expect(await progress.locator('dt:has-text("Stage") + dd').textContent()).toBe('DMTet mesh (stage 2 of 2)');
    expect(errors.errors).toEqual([]);
  });

  it('draws a mesh snapshot lit, its wireframe on request, and a splat snapshot as splats', { timeout: 120_000 }, async () => {
    await page.getByText(/a red ring · iteration 50 · mesh$/).waitFor({ timeout: 30_000 });
    // The torus is drawn and lit: its red varies with the light across the surface.
    await expect.poll(async () => (await meshPixels(page)).red, { timeout: 30_000 }).toBeGreaterThan(0.05);
    // The toolbar says what is shown: a mesh, drawn shaded or as its coverage (no splats, no GLB preview to build).
    expect(await displayModes(page)).toEqual({ shown: 'Mesh (shaded)', offered: ['Mesh (shaded)', 'Alpha'] });
    const shaded = await meshPixels(page);
    expect(shaded.redSpread).toBeGreaterThan(15);
    await screenshot(page, 'studio-mesh.png');

    await page.getByLabel('Wireframe').check();
    await expect.poll(async () => meanAbsDiff((await meshPixels(page)).pixels, shaded.pixels), { timeout: 30_000 }).toBeGreaterThan(2);
    const wired = await meshPixels(page);
    expect(wired.dark).toBeGreaterThan(shaded.dark);
    await screenshot(page, 'studio-mesh-wireframe.png');
    await page.getByLabel('Wireframe').uncheck();
    await expect.poll(async () => meanAbsDiff((await meshPixels(page)).pixels, shaded.pixels), { timeout: 30_000 }).toBeLessThan(1);

    // Back to a Gaussian snapshot: the green ball of splats, no red torus.
    await page.getByRole('button', { name: 'Show iteration 20' }).click();
    await page.getByText(/a red ring · iteration 20$/).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await meshPixels(page)).red, { timeout: 30_000 }).toBeLessThan(0.01);
    expect(meanAbsDiff((await meshPixels(page)).pixels, shaded.pixels)).toBeGreaterThan(5);
    await expect.poll(() => readout().textContent()).toBe('20 / 50 · Gaussians');
    expect(await displayModes(page)).toEqual({ shown: 'Splats', offered: ['Splats', 'Mesh (GLB preview of splats)', 'Alpha', 'Depth'] });
    // Triangle edges belong to mesh snapshots.
    expect(await page.getByLabel('Wireframe').isDisabled()).toBe(true);
    await screenshot(page, 'studio-mesh-splat-stage.png');

    // And forward again by keyboard, across the boundary.
    await page.getByRole('button', { name: 'Show iteration 30' }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByText(/a red ring · iteration 40 · mesh$/).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await meshPixels(page)).red, { timeout: 30_000 }).toBeGreaterThan(0.05);
    expect(errors.errors).toEqual([]);
  });

  it('offers a mesh (the default, as `generate --out X.glb`) or splats only as the output, and keeps a branch from a mesh in the mesh stage', { timeout: 60_000 }, async () => {
    const output = page.getByLabel('Output', { exact: true });
    expect(await output.inputValue()).toBe('mesh');
    expect(await output.locator('option').allTextContents()).toEqual(['Mesh (Gaussians → DMTet)', 'Splats only']);
    await page.getByRole('button', { name: 'Branch from here' }).click();
    await page.getByText(/Branching from iteration/).waitFor();
    await expect.poll(() => output.isDisabled()).toBe(true);
    expect(await output.inputValue()).toBe('mesh');
    await page.getByText('This branch continues the mesh stage of the snapshot it starts from.').waitFor();
    await page.getByRole('button', { name: 'Discard branch' }).click();
    expect(errors.errors).toEqual([]);
  });

  it('follows a real two-stage run live into the mesh stage', { timeout: 300_000 }, async () => {
    const call = <T>(method: string, request: unknown) => callStudio<T>(server.url, method, request);
    const project = await call<{ id: string }>('projects.create', { name: 'Live rings' });
    await page.getByRole('button', { name: 'Open Live rings' }).click();
    // Tiny budgets on the demo prior; no snapshots inside the mesh stage but its last, so what the viewport follows
    // there is the live mesh (run.mesh events).
    const request = {
      prompt: 'a red cube',
      seed: 3,
      batchSize: 1,
      initialGaussians: 300,
      snapshotEvery: 100,
      stages: [
        { representation: 'gaussians', iterations: 24, method: 'sds' },
        { representation: 'dmtet', iterations: 60, method: 'sds', settings: { gridResolution: 32, initThreshold: 0.1 } },
      ],
    };
    await call('runs.start', { projectId: project.id, request });
    await page.getByRole('button', { name: 'Show run a red cube' }).click();
    const progress = page.getByRole('region', { name: 'Progress' });
    await page.getByText(/a red cube · iteration (2[5-9]|[3-7][0-9]|8[0-3]) · mesh \(live\)$/).waitFor({ timeout: 240_000 });
    expect(await progress.locator('dt:has-text("Stage") + dd').textContent()).toBe('DMTet mesh (stage 2 of 2)');
    expect(Number((await progress.locator('dt:has-text("Faces") + dd').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(100);
    await screenshot(page, 'studio-mesh-live.png');
    await progress.locator('dd', { hasText: /^Completed$/ }).waitFor({ timeout: 240_000 });
    await page.getByRole('separator', { name: 'DMTet mesh (stage 2 of 2) starts after iteration 24' }).waitFor();
    expect(errors.errors).toEqual([]);
  });

  it('starts a run of both stages from the Generate panel by default, naming its method as the catalog does', { timeout: 60_000 }, async () => {
    await page.getByLabel('Prompt', { exact: true }).fill('a red cube');
    await page.getByLabel('Preset', { exact: true }).selectOption('fast');
    const output = await page.getByLabel('Output', { exact: true }).inputValue();
    await page.getByLabel('Method').selectOption({ label: 'VDM + DCA' });
    await page.getByLabel('Iterations', { exact: true }).fill('5');
    // Empty: the preset's mesh stage (the discarded branch above left its parent's 20 in the field).
    await page.getByLabel('Mesh iterations', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const progress = page.getByRole('region', { name: 'Progress' });
    await progress.locator('dd', { hasText: /^Running$/ }).waitFor({ timeout: 30_000 });
    const open = await page.getByRole('heading', { level: 1 }).textContent();
    const project = (await callStudio<{ id: string; name: string }[]>(server.url, 'projects.list', {})).find((p) => p.name === open)!;
    const runs = await callStudio<{ id: string; createdAt: string; config: { stages: { representation: string; iterations: number }[] } }[]>(server.url, 'runs.list', { projectId: project.id });
    const newest = runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1)!;
    // One name for the method everywhere: the picker's, progress's and the run tree's; the mesh stage's own guide
    // (the preset's SDS) is named beside the stage.
    expect(await progress.locator('.run-title').textContent()).toMatch(/ · VDM \+ DCA · seed \d+$/);
    expect(await progress.locator('dt:has-text("Guided by") + dd').textContent()).toMatch(/^(VDM \+ DCA|SDS)$/);
    const row = page.getByRole('navigation', { name: 'Runs' }).getByRole('button', { name: 'Show run a red cube' }).last();
    expect(await row.getAttribute('title')).toMatch(/^VDM \+ DCA · “a red cube”/);
    expect(output).toBe('mesh');
    expect(newest.config.stages.map((st) => [st.representation, st.iterations])).toEqual([['gaussians', 5], ['dmtet', presetStageOf('vdm', 'fast', 'dmtet').iterations]]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await progress.locator('dd', { hasText: /^Cancelled$/ }).waitFor({ timeout: 60_000 });
    expect(errors.errors).toEqual([]);
  });
});
