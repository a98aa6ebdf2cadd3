import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { callApi, startServeProcess, type ServeProcess } from '../helpers/kiln-process';
import { makeTempHome } from '../helpers/temp-home';
import { launchChromium } from './browser';
import { PageErrorLog } from './studio-page';

// Issue 16: `kiln serve` on a network address needs its access token; the browser studio asks for it once and keeps
// it (a cookie), so a reload, thumbnails and the event stream need no second prompt.
describe('the studio against kiln serve --host 0.0.0.0', () => {
  const { home, cleanup } = makeTempHome('kiln-e2e-token-');
  let browser: Browser;
  let server: ServeProcess;
  let token: string;
  let url: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startServeProcess(home, ['--host', '0.0.0.0']);
    url = `http://127.0.0.1:${new URL(server.url).port}`;
    for (let i = 0; i < 100 && !/Access token/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
    token = /Access token \(shown this once; kept in .+\):\n {2}(\S+)/.exec(server.output())![1]!;
    await callApi(url, 'projects.create', { name: 'Shared teapot' }, { authorization: `Bearer ${token}` });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });

  it('asks for the token once, then works, also after a reload', async () => {
    const errors = new PageErrorLog();
    errors.expectedStatuses = [401];
    const prompts: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    errors.watch(page);
    page.on('dialog', (dialog) => {
      prompts.push(dialog.message());
      void dialog.accept(token);
    });
    const loaded = () => page.getByRole('status', { name: 'Engine status' }).getByText(/ONNX Runtime \d/).waitFor();
    await page.goto(url);
    await loaded();
    await expect.poll(() => page.getByRole('button', { name: 'Open Shared teapot' }).count()).toBe(1);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatch(/access token/);
    await page.reload();
    await loaded();
    await expect.poll(() => page.getByRole('button', { name: 'Open Shared teapot' }).count()).toBe(1);
    expect(prompts).toHaveLength(1);
    // Before the token is known the event stream's first connection is refused; it reconnects with the cookie.
    expect(errors.errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    await context.close();
  }, 120_000);
});
