import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKilnStore } from '../../src/core/store/kiln-store';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { startKilnServer, type KilnServer } from './kiln-server';
import { callStudio, openStudio, PageErrorLog } from './studio-page';
import { canvasIn, colourShare } from './viewport-pixels';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'live-run');
/** Far more iterations than the steps below take, so the run is still training throughout. */
const ITERATIONS = 5000;

/**
 * A run while it trains, in Chromium against the real `kiln serve` at 1280×800: its progress in view, following it
 * live, scrubbing and comparing (each switch to and from compare unmounts a viewport canvas while Spark may be reading
 * splat depths back from it — that teardown once surfaced as the page error "undefined"), and its engine dying.
 */
describe('a training run in the studio', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-live-run-');
  let browser: Browser;
  let server: KilnServer;
  let page: Page;
  let runId: string;
  const errors = new PageErrorLog(() => expect.getState().currentTestName ?? 'setup');
  const call = <T>(method: string, request: unknown) => callStudio<T>(server.url, method, request);
  const live = () => page.getByText(/iteration \d+ \(live\)$/);
  const progress = () => page.getByRole('region', { name: 'Progress' });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    server = await startKilnServer(home);
    page = await openStudio(browser, server.url, errors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it('shows the progress without scrolling, follows the run live, scrubs and compares', { timeout: 180_000 }, async () => {
    const project = await call<{ id: string }>('projects.create', { name: 'Live cube' });
    await page.getByRole('button', { name: 'Open Live cube' }).click();
    runId = (await call<{ id: string }>('runs.start', { projectId: project.id, request: { prompt: 'a red cube', preset: 'fast', iterations: ITERATIONS, seed: 7 } })).id;
    await page.getByRole('button', { name: 'Show run a red cube' }).click();
    await live().waitFor({ timeout: 60_000 });

    // The generate settings fold away while the run trains: the chart and the x̂₀ preview are in view as they are.
    const chart = progress().getByRole('img', { name: 'Loss terms and timestep t by iteration' });
    const preview = progress().getByRole('img', { name: /x̂₀ prediction/ });
    await preview.waitFor({ timeout: 60_000 });
    await chart.waitFor();
    expect(await outsideView(page, ['[aria-label="Progress"] .loss-chart', '[aria-label="Progress"] .x0-preview img'])).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, '1-progress-in-view.png') });

    const slider = page.getByRole('slider', { name: 'Snapshot' });
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 60_000 }).toBeGreaterThan(0);
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByRole('status', { name: 'Shown iteration' }).textContent()).toMatch(/^0 \//);
    await page.getByRole('button', { name: 'Mark for compare' }).click();
    await page.getByRole('button', { name: 'Follow newest' }).click();
    await live().waitFor({ timeout: 30_000 });

    const compare = page.getByRole('region', { name: 'Compare' });
    for (let round = 0; round < 3; round++) {
      // Straight from the live view, with new splats arriving: its canvas goes away mid-update, and back.
      await page.getByRole('button', { name: 'Compare with marked' }).click();
      await compare.getByRole('img', { name: 'Compare view B' }).waitFor();
      await compare.getByRole('button', { name: 'Close compare' }).click();
      await page.getByRole('button', { name: 'Follow newest' }).click();
      await live().waitFor({ timeout: 30_000 });
    }

    // The last comparison stays open long enough to draw both sides: the start (A) is not the newest (B).
    await page.getByRole('button', { name: 'Compare with marked' }).click();
    const a = canvasIn('Compare view A');
    const b = canvasIn('Compare view B');
    await expect.poll(async () => (await colourShare(page, b, (await colourShare(page, a)).pixels)).diffFromReference!, { timeout: 60_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(SCREENSHOTS, '2-compare-while-training.png') });
    await compare.getByRole('button', { name: 'Close compare' }).click();
    await page.getByRole('button', { name: 'Follow newest' }).click();
    await live().waitFor({ timeout: 30_000 });
    expect((await call<{ status: string }>('runs.get', { runId })).status).toBe('running');
    expect(errors.errors).toEqual([]);
  });

  it('shows the run as interrupted when its engine is killed, and can start another run', { timeout: 120_000 }, async () => {
    process.kill(enginePid(home, runId), 'SIGKILL');
    await progress().locator('dd', { hasText: /^Interrupted$/ }).waitFor({ timeout: 30_000 });
    expect(await progress().getByRole('alert').textContent()).toMatch(/stopped unexpectedly: the engine process was killed \(SIGKILL\)\. Resume it/);
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '3-engine-killed.png') });

    // Still usable: a new run starts from the generate panel and trains.
    await page.getByLabel('Prompt', { exact: true }).fill('a red cube');
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERATIONS));
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await progress().locator('dd', { hasText: /^Running$/ }).waitFor({ timeout: 30_000 });
    await live().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await progress().locator('dd', { hasText: /^Cancelled$/ }).waitFor({ timeout: 30_000 });
    expect(errors.errors).toEqual([]);
  });
});

/** The engine process of a running run, as the server recorded it in the store. */
function enginePid(home: string, runId: string): number {
  const store = openKilnStore(home);
  try {
    const pid = store.runs.getRun(runId).pid;
    if (!pid) throw new Error(`run ${runId} has no engine process`);
    return pid;
  } finally {
    store.close();
  }
}

/** The selectors whose element is not wholly inside the window, or is hidden under a scrolled-away part of its panel. */
function outsideView(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate(
    (list) =>
      list.filter((selector) => {
        const element = document.querySelector(selector);
        if (!element) return true;
        const box = element.getBoundingClientRect();
        const panel = element.closest('.side-panel')!;
        return panel.scrollTop > 0 || box.top < 0 || box.bottom > window.innerHeight || box.bottom > panel.getBoundingClientRect().bottom;
      }),
    selectors,
  );
}
