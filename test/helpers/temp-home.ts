import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh Kiln home under the OS temp folder; call the returned cleanup in afterEach/afterAll. */
export function makeTempHome(label = 'kiln-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), label));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}
