import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export interface DialogExport {
  bytes: Uint8Array;
  /** The dialog's status line once the file is ready ("Exported iteration N (size). name"). */
  status: string | null;
}

/**
 * Exports the selected run's shown snapshot through the studio's Export dialog in the format whose radio matches
 * `formatTitle`, saving the download into `folder`; `whileOpen` looks at the dialog (a screenshot, its notes) before
 * it is closed.
 */
export async function exportThroughDialog(page: Page, formatTitle: RegExp, folder: string, whileOpen: (dialog: Locator) => Promise<void>): Promise<DialogExport> {
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Export / });
  await dialog.getByRole('radio', { name: formatTitle }).check();
  const download = page.waitForEvent('download', { timeout: 110_000 });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const file = join(folder, (await download).suggestedFilename());
  await (await download).saveAs(file);
  await dialog.getByRole('link').waitFor();
  const status = await dialog.locator('.export-status').textContent();
  await whileOpen(dialog);
  await dialog.getByRole('button', { name: 'Close' }).click();
  return { bytes: new Uint8Array(readFileSync(file)), status };
}
