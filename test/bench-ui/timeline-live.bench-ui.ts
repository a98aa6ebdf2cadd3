import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from '../e2e/browser';
import { startKilnServer, type KilnServer } from '../e2e/kiln-server';
import { callStudio, openStudio, PageErrorLog } from '../e2e/studio-page';
import { canvasIn, colourShare, measureFrameRates } from '../e2e/viewport-pixels';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'timeline-live');
const VIEWPORT = canvasIn('3D viewport');

// A browser benchmark (`npm run bench:ui`): the viewport's frame rate while a run trains, with the live → scrub →
// compare path it exercises (the e2e suite checks that path, faster, in live-run.e2e.test.ts).
describe('viewport frame rate while a run trains, in Chromium against kiln serve', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-timeline-');
  let browser: Browser;
  let server: KilnServer;
  const errors = new PageErrorLog();
  const measurements: Record<string, unknown> = {};
  const call = <T>(method: string, request: unknown) => callStudio<T>(server.url, method, request);

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    server = await startKilnServer(home);
  });

  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, 'measurements.json'), JSON.stringify(measurements, null, 2));
    console.log('[timeline e2e] measurements', JSON.stringify(measurements));
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it('shows a training run live, scrubs it back to the start, and compares start and end side by side', { timeout: 300_000 }, async () => {
    const project = await call<{ id: string }>('projects.create', { name: 'Red cube' });
    const page = await openStudio(browser, server.url, errors, { viewport: { width: 1280, height: 860 } });
    await page.getByRole('button', { name: 'Open Red cube' }).click();
    const run = await call<{ id: string }>('runs.start', { projectId: project.id, request: { prompt: 'a red cube', preset: 'fast', iterations: 150, seed: 7 } });
    await page.getByRole('button', { name: 'Show run a red cube' }).click();

    const slider = page.getByRole('slider', { name: 'Snapshot' });
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 60_000 }).toBeGreaterThan(0);
    const whileTraining = await measureFrameRates(page, VIEWPORT, 3000);
    measurements.animationFpsWhileTraining = Number(whileTraining.animationFps.toFixed(1));
    measurements.viewportRenderedFpsWhileTraining = Number(whileTraining.renderedFps.toFixed(1));
    await shoot(page, '1-training-live');

    await expect
      .poll(async () => (await call<{ status: string }>('runs.get', { runId: run.id })).status, { timeout: 200_000 })
      .toBe('completed');
    await expect.poll(async () => slider.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('iteration 150');
    // The newest snapshot is shown: the cube's red is on screen.
    await shoot(page, '2-finished');
    await expect.poll(async () => (await colourShare(page, VIEWPORT)).red, { timeout: 20_000 }).toBeGreaterThan(0.01);
    const end = await colourShare(page, VIEWPORT);

    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(async () => slider.getAttribute('aria-valuetext')).toMatch(/^iteration \d+$/);
    await expect.poll(async () => (await colourShare(page, VIEWPORT, end.pixels)).diffFromReference!, { timeout: 10_000 }).toBeGreaterThan(3);
    const start = await colourShare(page, VIEWPORT);
    expect(start.red).toBeLessThan(end.red);
    await shoot(page, '3-scrubbed-to-start');

    await page.getByRole('button', { name: 'Mark for compare' }).click();
    await slider.focus();
    await page.keyboard.press('End');
    await page.getByRole('button', { name: 'Compare with marked' }).click();
    const compare = page.getByRole('region', { name: 'Compare' });
    await compare.getByRole('img', { name: 'Compare view A' }).waitFor();
    await compare.getByRole('img', { name: 'Compare view B' }).waitFor();
    await expect.poll(async () => (await colourShare(page, canvasIn('Compare view B'))).red, { timeout: 20_000 }).toBeGreaterThan(0.01);
    const a = await colourShare(page, canvasIn('Compare view A'));
    const b = await colourShare(page, canvasIn('Compare view B'), a.pixels);
    expect(b.red).toBeGreaterThan(a.red);
    expect(b.diffFromReference!).toBeGreaterThan(3);
    await shoot(page, '4-compare');
    await page.getByRole('button', { name: 'Close compare' }).click();
    await page.getByRole('img', { name: '3D viewport' }).waitFor();

    await page.close();
    expect(errors.errors).toEqual([]);
  });
});
