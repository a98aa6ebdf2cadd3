import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from '../e2e/browser';
import { startKilnServer, type KilnServer } from '../e2e/kiln-server';
import { openStudio, PageErrorLog } from '../e2e/studio-page';
import { writeSyntheticRun } from '../e2e/synthetic-run';
import { canvasIn, colourShare, measureFrameRates, percentile, timeKeyBurst, timeKeyToChange, type KeyTiming } from '../e2e/viewport-pixels';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'timeline-bench');
const VIEWPORT = canvasIn('3D viewport');
const SIZES = [50_000, 10_000];
const SYNTHETIC_SNAPSHOTS = 12;
/** Warm steps over snapshots the viewport prefetched (forward) or has shown (back). */
const WARM_KEYS = ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft'];
const BURST_STEPS = 4;
const STAGES = ['readyMs', 'mountedMs', 'sortedMs', 'drawnMs'] as const;

const round = (ms: number) => Number(ms.toFixed(1));

/** Median and p95 of each stage (key press → that stage) over the samples that reached it. */
function stageSummary(samples: readonly KeyTiming[]) {
  return Object.fromEntries(
    STAGES.map((stage) => {
      const values = samples.map((s) => s[stage]).filter((ms): ms is number => ms !== null);
      return [stage, values.length ? { median: round(percentile(values, 50)), p95: round(percentile(values, 95)), n: values.length } : null];
    }),
  );
}

// A browser benchmark, not a test: run it with `npm run bench:ui` (numbers in test-results/e2e/timeline-bench/).
describe('timeline scrub latency in Chromium against kiln serve', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-timeline-');
  let browser: Browser;
  let server: KilnServer;
  const measurements: Record<string, unknown> = { window: '900x640', snapshots: SYNTHETIC_SNAPSHOTS };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const count of SIZES) writeSyntheticRun(home, { projectName: `Synthetic ${count / 1000}k`, count, snapshots: SYNTHETIC_SNAPSHOTS });
    browser = await launchChromium();
    server = await startKilnServer(home);
  });

  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, 'measurements.json'), JSON.stringify(measurements, null, 2));
    console.log('[timeline bench] measurements', JSON.stringify(measurements, null, 2));
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  for (const count of SIZES) {
    const name = `${count / 1000}k`;
    it(`measures timeline input → payload ready → mounted → sorted → drawn at ${name} Gaussians`, { timeout: 400_000 }, async () => {
      const errors = new PageErrorLog();
      // The smallest window the layout supports keeps software-rendered frames (no GPU here) as short as possible.
      const page = await openStudio(browser, server.url, errors, { viewport: { width: 900, height: 640 } });
      await page.getByLabel('Grid').uncheck();
      await page.getByRole('button', { name: `Open Synthetic ${name}` }).click();
      await page.getByRole('button', { name: `Show run synthetic ${name}` }).click();
      const slider = page.getByRole('slider', { name: 'Snapshot' });
      await expect.poll(async () => Number(await slider.getAttribute('max'))).toBe(SYNTHETIC_SNAPSHOTS - 1);
      // The newest snapshot is drawn when its colour covers part of the view.
      await expect.poll(async () => distinctFromBackground(page), { timeout: 60_000 }).toBeGreaterThan(0.02);
      const idle = await measureFrameRates(page, VIEWPORT, 4000);
      await slider.focus();

      // Cold: the first snapshot was never decoded (only the newest and its neighbours were prefetched).
      const cold = await timeKeyToChange(page, VIEWPORT, 'Home', 60_000);
      expect(cold.drawnMs, 'the viewport did not change after Home').not.toBeNull();
      const warm: KeyTiming[] = [];
      for (const key of WARM_KEYS) {
        const timing = await timeKeyToChange(page, VIEWPORT, key, 60_000);
        expect(timing.drawnMs, `the viewport did not change after ${key}`).not.toBeNull();
        warm.push(timing);
      }
      // A held arrow key: four steps 50 ms apart from the first snapshot, the last two never prefetched.
      await timeKeyToChange(page, VIEWPORT, 'Home', 60_000);
      const burst = await timeKeyBurst(page, VIEWPORT, 'ArrowRight', BURST_STEPS, 50);
      expect(await slider.getAttribute('aria-valuetext')).toBe(`iteration ${(BURST_STEPS + 1) * 10}`);
      // Last, as its frames (and the orbit's damping after it) would delay the inputs above: the turntable renders
      // continuously, so its frame rate gives the time one frame of these splats takes.
      await page.getByLabel('Turntable').check();
      const turning = await measureFrameRates(page, VIEWPORT, 6000);
      await page.getByLabel('Turntable').uncheck();
      measurements[name] = {
        gaussians: count,
        idleAnimationFps: round(idle.animationFps),
        idleRenderedFps: round(idle.renderedFps),
        turntableRenderedFps: round(turning.renderedFps),
        turntableFrameMs: turning.renderedFps > 0 ? round(1000 / turning.renderedFps) : null,
        cold: Object.fromEntries(STAGES.map((s) => [s, cold[s] === null ? null : round(cold[s])])),
        warm: stageSummary(warm),
        burst: { steps: BURST_STEPS, gapMs: 50, framesRendered: burst.framesRendered, lastFrameMs: burst.lastFrameMs === null ? null : round(burst.lastFrameMs) },
        warmFramesRenderedPerInput: warm.map((t) => t.framesRendered),
        warmSamples: warm.map((t) => Object.fromEntries(STAGES.map((s) => [s, t[s] === null ? null : round(t[s])]))),
      };
      console.log(`[timeline bench] ${name}: key → stage (ms), warm median / p95`);
      for (const [stage, v] of Object.entries(stageSummary(warm))) console.log(`  ${stage.padEnd(10)} ${v ? `${v.median} / ${v.p95}` : '—'}`);
      console.log(`  frames rendered per input: ${warm.map((t) => t.framesRendered).join(', ')}`);
      console.log(`  burst of ${BURST_STEPS} steps: ${burst.framesRendered} frames, the last one starting ${burst.lastFrameMs} ms after the first key`);
      await page.screenshot({ path: join(ARTIFACTS, `scrub-${name}.png`) });
      await page.close();
      expect(errors.errors).toEqual([]);
    });
  }
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
