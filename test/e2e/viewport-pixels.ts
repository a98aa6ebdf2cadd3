import type { Page } from 'playwright-core';

/** The canvas inside an r3f <Canvas> with this accessible name. */
export const canvasIn = (label: string) => `[aria-label="${label}"] canvas`;

export interface ColourShare {
  /** Fraction of pixels whose colour is clearly reddish (R dominant). */
  red: number;
  /** Mean |Δ| per channel against `reference` (0..255), when one was given. */
  diffFromReference?: number;
  /** A 48×48 thumbnail of the canvas (RGB bytes), to compare two moments. */
  pixels: number[];
}

/** Summarises the canvas colour at a 48×48 downsample: share of red pixels and difference from a reference. */
export function colourShare(page: Page, selector: string, reference?: number[]): Promise<ColourShare> {
  return page.evaluate(
    ({ sel, ref }) => {
      const source = document.querySelector(sel) as HTMLCanvasElement;
      const size = 48;
      const copy = document.createElement('canvas');
      copy.width = size;
      copy.height = size;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(source, 0, 0, source.width, source.height, 0, 0, size, size);
      const { data } = ctx.getImageData(0, 0, size, size);
      const pixels: number[] = [];
      let red = 0;
      let diff = 0;
      for (let i = 0, p = 0; i < data.length; i += 4, p += 3) {
        const r = data[i]!;
        const g = data[i + 1]!;
        const b = data[i + 2]!;
        pixels.push(r, g, b);
        if (r > 80 && r > g + 35 && r > b + 35) red++;
        if (ref) diff += Math.abs(r - ref[p]!) + Math.abs(g - ref[p + 1]!) + Math.abs(b - ref[p + 2]!);
      }
      return { red: red / (size * size), diffFromReference: ref ? diff / (size * size * 3) : undefined, pixels };
    },
    { sel: selector, ref: reference },
  );
}

export interface KeyTiming {
  /** Key press → the new splats' SplatMesh is in the scene (performance mark 'kiln:splats-mounted'); null if none. */
  mountedMs: number | null;
  /** Key press → the canvas pixels changed; null if they did not within the time limit. */
  drawnMs: number | null;
}

/**
 * Times a key press to the viewport change it causes: an in-page watcher (installed before the key is pressed)
 * samples the canvas's 64×64 downsample every frame from the keydown until it differs from what it showed at the
 * press (mean |Δ| > 2 per channel). The readback itself runs every frame, so `drawnMs` is an upper bound.
 */
export async function timeKeyToChange(page: Page, selector: string, key: string, limitMs = 20_000): Promise<KeyTiming> {
  await page.evaluate(({ sel, limit }) => {
    const w = window as unknown as { __kilnChange?: Promise<KeyTiming> };
    w.__kilnChange = new Promise<KeyTiming>((resolve) => {
      const source = document.querySelector(sel) as HTMLCanvasElement;
      const size = 64;
      const probe = document.createElement('canvas');
      probe.width = size;
      probe.height = size;
      const ctx = probe.getContext('2d', { willReadFrequently: true })!;
      const sample = () => {
        ctx.drawImage(source, 0, 0, source.width, source.height, 0, 0, size, size);
        return ctx.getImageData(0, 0, size, size).data;
      };
      const onKey = () => {
        window.removeEventListener('keydown', onKey, true);
        const t0 = performance.now();
        const before = sample();
        const check = () => {
          const now = sample();
          let diff = 0;
          for (let i = 0; i < now.length; i += 4) {
            diff += Math.abs(now[i]! - before[i]!) + Math.abs(now[i + 1]! - before[i + 1]!) + Math.abs(now[i + 2]! - before[i + 2]!);
          }
          const elapsed = performance.now() - t0;
          const mounted = () => {
            const mark = performance.getEntriesByName('kiln:splats-mounted').find((m) => m.startTime >= t0);
            return mark ? mark.startTime - t0 : null;
          };
          if (diff / (size * size * 3) > 2) resolve({ mountedMs: mounted(), drawnMs: elapsed });
          else if (elapsed > limit) resolve({ mountedMs: mounted(), drawnMs: null });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      };
      window.addEventListener('keydown', onKey, true);
    });
  }, { sel: selector, limit: limitMs });
  await page.keyboard.press(key);
  return page.evaluate(() => (window as unknown as { __kilnChange: Promise<KeyTiming> }).__kilnChange);
}

/** Animation frames per second the page manages over `ms` (the r3f canvas renders on every frame). */
export function measureFrameRate(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (duration) =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const start = performance.now();
        const tick = (now: number) => {
          frames++;
          if (now - start < duration) requestAnimationFrame(tick);
          else resolve((frames * 1000) / (now - start));
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
