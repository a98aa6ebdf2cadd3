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

/** The renderer's performance marks along a payload's way to the screen (src/renderer/…/viewport/splat-timing.ts). */
export const SPLAT_STAGE_MARKS = { readyMs: 'kiln:splats-ready', mountedMs: 'kiln:splats-mounted', sortedMs: 'kiln:splats-sorted' } as const;

export interface KeyTiming {
  /** Key press → the decoded payload reached the splat layer; null if it never did. */
  readyMs: number | null;
  /** Key press → its SplatMesh is in the scene. */
  mountedMs: number | null;
  /** Key press → Spark finished sorting it and asked for the frame that draws it. */
  sortedMs: number | null;
  /** Key press → the canvas pixels changed; null if they did not within the time limit. */
  drawnMs: number | null;
  /** Frames the canvas rendered from the key press until its pixels changed (RenderedFrameCounter). */
  framesRendered: number;
}

/**
 * Times a key press to the viewport change it causes: an in-page watcher (installed before the key is pressed)
 * samples the canvas's 64×64 downsample every animation frame from the keydown until it differs from what it showed
 * at the press (mean |Δ| > 2 per channel), and reads the first of each stage mark set after the press. The readback
 * runs every frame, so `drawnMs` is an upper bound.
 */
export async function timeKeyToChange(page: Page, selector: string, key: string, limitMs = 20_000): Promise<KeyTiming> {
  await page.evaluate(({ sel, limit, marks }) => {
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
        const rendered = () => Number(source.dataset.renderedFrames ?? 0);
        const framesAtKey = rendered();
        const firstMark = (name: string) => {
          const mark = performance.getEntriesByName(name).find((m) => m.startTime >= t0);
          return mark ? mark.startTime - t0 : null;
        };
        const stages = () => ({
          readyMs: firstMark(marks.readyMs),
          mountedMs: firstMark(marks.mountedMs),
          sortedMs: firstMark(marks.sortedMs),
        });
        const check = () => {
          const now = sample();
          let diff = 0;
          for (let i = 0; i < now.length; i += 4) {
            diff += Math.abs(now[i]! - before[i]!) + Math.abs(now[i + 1]! - before[i + 1]!) + Math.abs(now[i + 2]! - before[i + 2]!);
          }
          const elapsed = performance.now() - t0;
          const framesRendered = rendered() - framesAtKey;
          if (diff / (size * size * 3) > 2) resolve({ ...stages(), drawnMs: elapsed, framesRendered });
          else if (elapsed > limit) resolve({ ...stages(), drawnMs: null, framesRendered });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      };
      window.addEventListener('keydown', onKey, true);
    });
  }, { sel: selector, limit: limitMs, marks: SPLAT_STAGE_MARKS });
  await page.keyboard.press(key);
  return page.evaluate(() => (window as unknown as { __kilnChange: Promise<KeyTiming> }).__kilnChange);
}

export interface BurstTiming {
  /** Frames the canvas rendered from the first key press until it went quiet. */
  framesRendered: number;
  /** First key press → the start of the last frame rendered. */
  lastFrameMs: number | null;
}

/**
 * A held arrow key: dispatches `times` keydowns of `key` to the page (the studio's window-level shortcuts) `gapMs`
 * apart from inside it — Playwright's own key presses each wait for the page, which serialises them behind slow
 * frames — and counts the frames the canvas renders until none has come for `quietMs`. With stale intermediate
 * targets dropped, that is far fewer than one per key.
 */
export function timeKeyBurst(page: Page, selector: string, key: string, times: number, gapMs: number, quietMs = 3000): Promise<BurstTiming> {
  return page.evaluate(
    ({ sel, key: name, count, gap, quiet }) =>
      new Promise<BurstTiming>((resolve) => {
        const canvas = document.querySelector(sel) as HTMLCanvasElement;
        const rendered = () => Number(canvas.dataset.renderedFrames ?? 0);
        (document.activeElement as HTMLElement | null)?.blur();
        const t0 = performance.now();
        const atStart = rendered();
        let seen = atStart;
        let lastFrameMs: number | null = null;
        let lastChange = t0;
        for (let i = 0; i < count; i++) {
          setTimeout(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true })), i * gap);
        }
        const check = (now: number) => {
          if (rendered() !== seen) {
            seen = rendered();
            lastFrameMs = now - t0;
            lastChange = now;
          }
          if (now - t0 > count * gap && now - lastChange > quiet) resolve({ framesRendered: seen - atStart, lastFrameMs });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { sel: selector, key, count: times, gap: gapMs, quiet: quietMs },
  );
}

/**
 * Frames per second over `ms`: the page's animation frames (is the UI responsive?) and the frames the viewport
 * canvas actually rendered (it renders on demand; see RenderedFrameCounter).
 */
export function measureFrameRates(page: Page, selector: string, ms: number): Promise<{ animationFps: number; renderedFps: number }> {
  return page.evaluate(
    ({ sel, duration }) =>
      new Promise<{ animationFps: number; renderedFps: number }>((resolve) => {
        const canvas = document.querySelector(sel) as HTMLCanvasElement;
        const rendered = () => Number(canvas.dataset.renderedFrames ?? 0);
        let frames = 0;
        const start = performance.now();
        const renderedAtStart = rendered();
        const tick = (now: number) => {
          frames++;
          if (now - start < duration) requestAnimationFrame(tick);
          else {
            const seconds = (now - start) / 1000;
            resolve({ animationFps: frames / seconds, renderedFps: (rendered() - renderedAtStart) / seconds });
          }
        };
        requestAnimationFrame(tick);
      }),
    { sel: selector, duration: ms },
  );
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
