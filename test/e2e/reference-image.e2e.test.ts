import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { startKilnServer, type KilnServer } from './kiln-server';
import { callStudio, openStudio, PageErrorLog } from './studio-page';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e-screenshots', 'reference-image');
const PHOTO = resolve(import.meta.dirname, '../../resources/reference-samples/snowman-photo.png');

/** The studio's photo path in Chromium against the real `kiln serve`: browse for a photo → see the mask → Generate → completed. */
describe('generating from a photo in the studio', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-photo-');
  let browser: Browser;
  let server: KilnServer;
  let page: Page;
  const errors = new PageErrorLog(() => expect.getState().currentTestName ?? 'setup');
  const panel = () => page.getByRole('region', { name: 'Reference image' });
  const maskSrc = () => panel().getByRole('img', { name: 'Mask' }).getAttribute('src');

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    server = await startKilnServer(home);
    page = await openStudio(browser, server.url, errors, { viewport: { width: 1440, height: 900 } });
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
  });

  it('shows the original, the cut-out and its mask, which follows the foreground threshold', async () => {
    expect(await page.getByRole('button', { name: 'Generate', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('Reference photo file').setInputFiles(PHOTO);
    await panel().getByRole('img', { name: 'Original photo' }).waitFor();
    await expect.poll(maskSrc, { timeout: 20_000 }).toMatch(/^data:image\/png;base64,/);
    await panel().getByText('Mask (built-in)').waitFor();
    await panel().getByText(/built-in segmentation/).first().waitFor();
    // The model follows the photo: the view-conditioned demo prior.
    expect(await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()).toBe('demo-view');
    const before = await maskSrc();
    await page.getByLabel('Foreground threshold').fill('0.6');
    await expect.poll(maskSrc, { timeout: 20_000 }).not.toBe(before);
    await page.getByLabel('Foreground threshold').fill('0.1');
    await expect.poll(maskSrc, { timeout: 20_000 }).toBe(before);
    await page.screenshot({ path: join(SCREENSHOTS, '01-photo-mask.png') });
    expect(await page.getByRole('button', { name: 'Generate', exact: true }).isDisabled()).toBe(false);
  }, 60_000);

  it('generates from the photo alone; the run records the photo', async () => {
    await page.getByLabel('Method').selectOption({ label: 'SDS' });
    await page.getByLabel('Iterations', { exact: true }).fill('20');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const progress = page.getByRole('region', { name: 'Progress' });
    await progress.locator('dd', { hasText: /^Completed$/ }).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(SCREENSHOTS, '02-photo-run-completed.png') });
    const projects = await callStudio<{ id: string; name: string }[]>(server.url, 'projects.list', {});
    const runs = await callStudio<{ prompt: string | null; referenceImage: { name: string } | null; status: string }[]>(server.url, 'runs.list', {
      projectId: projects.find((p) => p.name === 'Photos')!.id,
    });
    expect(runs.map((r) => [r.prompt, r.referenceImage?.name, r.status])).toEqual([[null, 'snowman-photo.png', 'completed']]);
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
