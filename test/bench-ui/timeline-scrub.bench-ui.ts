import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from '../e2e/browser';
import { startKilnServer, type KilnServer } from '../e2e/kiln-server';
import { writeSyntheticRun } from '../e2e/synthetic-run';
import { canvasIn, colourShare, measureFrameRate, percentile, timeKeyToChange } from '../e2e/viewport-pixels';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'timeline-bench');
const VIEWPORT = canvasIn('3D viewport');
const SYNTHETIC_GAUSSIANS = 50_000;
const SYNTHETIC_SNAPSHOTS = 12;

// A browser benchmark, not a test: run it with `npm run bench:ui` (numbers in test-results/e2e/timeline-bench/).
describe('timeline scrub latency and frame rate in Chromium against kiln serve', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-timeline-');
  let browser: Browser;
  let server: KilnServer;
  let pageErrors: string[] = [];
  const measurements: Record<string, unknown> = {};

  async function openStudio(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (err) => pageErrors.push(err.message || `${err.name}: ${err.stack ?? String(err)}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
    await page.goto(server.url);
    await page.getByRole('status', { name: 'Engine status' }).getByText(/ONNX Runtime \d/).waitFor();
    return page;
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeSyntheticRun(home, { projectName: 'Fifty thousand', count: SYNTHETIC_GAUSSIANS, snapshots: SYNTHETIC_SNAPSHOTS });
    browser = await launchChromium();
    server = await startKilnServer(home);
  });

  beforeEach(() => {
    pageErrors = [];
  });

  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, 'measurements.json'), JSON.stringify(measurements, null, 2));
    console.log('[timeline bench] measurements', JSON.stringify(measurements));
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it(`measures timeline input → new splats drawn at ${SYNTHETIC_GAUSSIANS / 1000}k Gaussians`, { timeout: 300_000 }, async () => {
    // The smallest window the layout supports keeps software-rendered frames (no GPU here) as short as possible.
    const page = await openStudio();
    await page.setViewportSize({ width: 900, height: 640 });
    // Without a GPU each 50k frame is software-rendered for a second or more: set everything up before the splats.
    await page.getByLabel('Grid').uncheck();
    await page.getByRole('button', { name: 'Open Fifty thousand' }).click();
    await page.getByRole('button', { name: 'Show run synthetic 50k' }).click();
    const slider = page.getByRole('slider', { name: 'Snapshot' });
    await expect.poll(async () => Number(await slider.getAttribute('max'))).toBe(SYNTHETIC_SNAPSHOTS - 1);
    // The newest snapshot is drawn when its colour covers part of the view.
    await expect.poll(async () => distinctFromBackground(page), { timeout: 60_000 }).toBeGreaterThan(0.02);
    measurements.idleFrameRateAt50kFps = Number((await measureFrameRate(page, 4000)).toFixed(2));
    // The inputs are the timeline slider's own keys.
    await slider.focus();

    // Cold: the first snapshot was never decoded (only the newest and its neighbours were prefetched).
    const cold = await timeKeyToChange(page, VIEWPORT, 'Home', 60_000);
    expect(cold.drawnMs, 'the viewport did not change after Home').not.toBeNull();
    // Warm: steps over snapshots the viewport prefetched (forward) or has shown (back).
    const warm = [];
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowLeft']) {
      const timing = await timeKeyToChange(page, VIEWPORT, key, 60_000);
      expect(timing.drawnMs, `the viewport did not change after ${key}`).not.toBeNull();
      warm.push(timing);
    }
    const drawn = warm.map((t) => t.drawnMs!);
    const mounted = warm.map((t) => t.mountedMs).filter((ms): ms is number => ms !== null);
    const round = (ms: number) => Number(ms.toFixed(1));
    Object.assign(measurements, {
      scrubGaussians: SYNTHETIC_GAUSSIANS,
      scrubWindow: '900x640',
      scrubCold: { mountedMs: cold.mountedMs === null ? null : round(cold.mountedMs), drawnMs: round(cold.drawnMs!) },
      scrubWarmSamples: warm.length,
      scrubWarmMountedP95Ms: round(percentile(mounted, 95)),
      scrubWarmMountedMedianMs: round(percentile(mounted, 50)),
      scrubWarmDrawnP95Ms: round(percentile(drawn, 95)),
      scrubWarmDrawnMedianMs: round(percentile(drawn, 50)),
    });
    await shoot(page, '5-fifty-thousand');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});

/** Share of pixels that differ clearly from the studio background colour. */
async function distinctFromBackground(page: Page): Promise<number> {
  const { pixels } = await colourShare(page, VIEWPORT);
  let off = 0;
  for (let i = 0; i < pixels.length; i += 3) {
    if (Math.abs(pixels[i]! - 0x1d) + Math.abs(pixels[i + 1]! - 0x1f) + Math.abs(pixels[i + 2]! - 0x24) > 60) off++;
  }
  return off / (pixels.length / 3);
}
