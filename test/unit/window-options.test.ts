import { describe, expect, it } from 'vitest';
import { isAppUrl, mainWindowOptions } from '../../src/main/window-options';
import { contentSecurityPolicy } from '../../src/shared/content-security-policy';

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

describe('mainWindowOptions', () => {
  it('locks the renderer down: isolated, sandboxed, no Node, web security on', () => {
    const prefs = mainWindowOptions('/x/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });

  it('does not enable any other risky preference', () => {
    const prefs = mainWindowOptions('/x/preload.cjs').webPreferences ?? {};
    expect(prefs).not.toHaveProperty('experimentalFeatures', true);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('disableBlinkFeatures');
    expect(prefs).not.toHaveProperty('nodeIntegrationInSubFrames', true);
  });

  it('uses the preload path it is given and shows the window only when ready', () => {
    const options = mainWindowOptions('C:\\app\\preload.cjs');
    expect(options.webPreferences?.preload).toBe('C:\\app\\preload.cjs');
    expect(options.show).toBe(false);
    expect(options.title).toBe('Kiln');
  });
});

describe('isAppUrl', () => {
  const fileApp = 'file:///opt/kiln/out/renderer/index.html';
  const devApp = 'http://localhost:5173/';

  it('accepts the app file itself, with or without a hash or query', () => {
    expect(isAppUrl(fileApp, fileApp)).toBe(true);
    expect(isAppUrl(`${fileApp}#/projects/1`, fileApp)).toBe(true);
    expect(isAppUrl(`${fileApp}?tab=2`, fileApp)).toBe(true);
  });

  it('refuses another local file', () => {
    expect(isAppUrl('file:///opt/kiln/out/renderer/other.html', fileApp)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', fileApp)).toBe(false);
    expect(isAppUrl('file:///opt/kiln/out/renderer/', fileApp)).toBe(false);
  });

  it('refuses the web when the app is a file', () => {
    expect(isAppUrl('https://evil.example/', fileApp)).toBe(false);
    expect(isAppUrl('https://evil.example/opt/kiln/out/renderer/index.html', fileApp)).toBe(false);
  });

  it('accepts any path on the dev server origin', () => {
    expect(isAppUrl('http://localhost:5173/', devApp)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?v=1#x', devApp)).toBe(true);
  });

  it('refuses a different port, scheme or host than the dev server', () => {
    expect(isAppUrl('http://localhost:5174/', devApp)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', devApp)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devApp)).toBe(false);
    expect(isAppUrl('http://localhost.evil.example:5173/', devApp)).toBe(false);
    expect(isAppUrl('http://localhost:5173@evil.example/', devApp)).toBe(false);
    expect(isAppUrl('file:///opt/kiln/out/renderer/index.html', devApp)).toBe(false);
  });

  it('refuses garbage instead of throwing', () => {
    expect(isAppUrl('not a url', fileApp)).toBe(false);
    expect(isAppUrl('', devApp)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', devApp)).toBe(false);
    expect(isAppUrl(fileApp, 'not a url either')).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows scripts only from the app and forbids plugins, eval and framing', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // WebAssembly compilation only (Spark's sorter); JavaScript eval stays forbidden.
    expect(csp).not.toContain("'unsafe-eval'");
    expect(directives(csp).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  });

  it('lists each directive once', () => {
    const names = contentSecurityPolicy(['ws://127.0.0.1:5199'])
      .split(';')
      .map((part) => part.trim().split(/\s+/)[0]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('connects only to the app unless extra origins are given', () => {
    expect(directives(contentSecurityPolicy()).get('connect-src')).toEqual(["'self'"]);
    const csp = contentSecurityPolicy(['ws://127.0.0.1:5199', 'ws://localhost:5199']);
    expect(directives(csp).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5199', 'ws://localhost:5199']);
    // Extra origins must not leak into other directives.
    expect(directives(csp).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives(csp).get('default-src')).toEqual(["'self'"]);
  });
});
