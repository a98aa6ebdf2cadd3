import type { Browser, Page } from 'playwright-core';

/**
 * Everything a studio page reports as an error: uncaught exceptions and rejections, and console errors — except
 * "the server responded with a status of N" for the statuses a step provokes on purpose (Chromium logs every
 * non-2xx fetch as a console error).
 */
export class PageErrorLog {
  readonly errors: string[] = [];
  /** Statuses the current step expects; reset by `clear`. */
  expectedStatuses: number[] = [];

  /** `context` prefixes each error (e.g. the running test's name) when one page serves several steps. */
  constructor(private readonly context?: () => string) {}

  watch(page: Page): void {
    page.on('pageerror', (err) => this.add(err.message || `${err.name}: ${err.stack ?? String(err)}`));
    page.on('console', (msg) => {
      const expected = this.expectedStatuses.some((s) => msg.text().includes(`the server responded with a status of ${s}`));
      if (msg.type() === 'error' && !expected) this.add(`console: ${msg.text()}`);
    });
  }

  clear(): void {
    this.errors.length = 0;
    this.expectedStatuses = [];
  }

  private add(message: string): void {
    this.errors.push(this.context ? `${this.context()}: ${message}` : message);
  }
}

export interface OpenStudioOptions {
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
}

/** A new page on the studio at `url`, its errors recorded in `errors`, once the engine status has loaded. */
export async function openStudio(browser: Browser, url: string, errors: PageErrorLog, options: OpenStudioOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 }, acceptDownloads: options.acceptDownloads });
  errors.watch(page);
  await page.goto(url);
  await page.getByRole('status', { name: 'Engine status' }).getByText(/ONNX Runtime \d/).waitFor();
  return page;
}

/** One StudioApi call over `kiln serve`'s HTTP route, as a script or the CLI would make it; throws the API's error. */
export async function callStudio<T>(url: string, method: string, request: unknown): Promise<T> {
  const response = await fetch(`${url}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}
