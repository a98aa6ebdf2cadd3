import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { canvasStats } from './canvas-pixels';
import { startKilnServer, type KilnServer } from './kiln-server';
import { openStudio, PageErrorLog } from './studio-page';

describe('the studio in Chromium against kiln serve', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-');
  let browser: Browser;
  let server: KilnServer;
  const errors = new PageErrorLog();
  const open = (): Promise<Page> => openStudio(browser, server.url, errors);

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startKilnServer(home);
  });

  beforeEach(() => errors.clear());

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it('creates a project, keeps it across a server restart, renames and deletes it', async () => {
    let page = await open();
    await page.getByLabel('New project name').fill('Ceramic teapot');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Open Ceramic teapot' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Ceramic teapot');

    errors.expectedStatuses = [409];
    await page.getByLabel('New project name').fill('ceramic TEAPOT');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/already exists/);
    await page.close();

    await server.stop();
    server = await startKilnServer(home);
    page = await open();
    await expect.poll(() => page.getByRole('button', { name: 'Open Ceramic teapot' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Rename Ceramic teapot' }).click();
    const nameBox = page.getByLabel('New name for Ceramic teapot');
    await nameBox.fill('Stoneware teapot');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Open Stoneware teapot' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Open Ceramic teapot' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Delete Stoneware teapot' }).click();
    const dialog = page.getByRole('dialog', { name: /Delete project/ });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Open Stoneware teapot' }).count()).toBe(0);
    await expect.poll(() => page.getByText('No projects yet').count()).toBe(1);
    await page.close();

    expect(errors.errors).toEqual([]);
  });

  it('mirrors changes made elsewhere through the event stream', async () => {
    const page = await open();
    const response = await fetch(`${server.url}/api/call/projects.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Made from the CLI' }),
    });
    expect(response.status).toBe(200);
    await expect.poll(() => page.getByRole('button', { name: 'Open Made from the CLI' }).count()).toBe(1);
    await page.close();
    expect(errors.errors).toEqual([]);
  });

  it('renders the viewport and the engine status', async () => {
    const page = await open();
    const canvas = page.getByRole('img', { name: '3D viewport' });
    await canvas.waitFor();
    await expect.poll(async () => (await canvasStats(page)).distinctColours, { timeout: 20_000 }).toBeGreaterThan(50);
    const stats = await canvasStats(page);
    expect(stats.width).toBeGreaterThan(300);
    expect(stats.lumaStdDev).toBeGreaterThan(2);

    const before = await canvasStats(page);
    await page.getByLabel('Grid').uncheck();
    await expect.poll(async () => (await canvasStats(page)).distinctColours).toBeLessThan(before.distinctColours);

    await page.getByRole('button', { name: 'Fit view' }).click();
    const status = page.getByRole('status', { name: 'Engine status' });
    expect(await status.textContent()).toMatch(/Providers: cpu/);
    expect(await status.textContent()).toMatch(/Native addon \d/);
    await page.close();
    expect(errors.errors).toEqual([]);
  });

  it('survives a narrow window and keeps every control named', async () => {
    const page = await open();
    await page.setViewportSize({ width: 900, height: 600 });
    await page.getByRole('button', { name: 'Create project' }).waitFor();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea')]
        .filter((el) => {
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
          const text = el.textContent?.trim();
          const label = (el as HTMLInputElement).labels?.length;
          return !labelled && !text && !label;
        })
        .map((el) => el.outerHTML),
    );
    expect(unnamed).toEqual([]);
    await page.close();
    expect(errors.errors).toEqual([]);
  });
});
