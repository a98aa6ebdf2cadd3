import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  distinctColours: number;
  lumaStdDev: number;
}

/** Reads back the WebGL canvas (drawn with preserveDrawingBuffer) and summarises its pixels. */
export function canvasStats(page: Page, selector = 'canvas'): Promise<CanvasStats> {
  return page.evaluate((sel) => {
    const source = document.querySelector(sel) as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(source, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    const colours = new Set<number>();
    let sum = 0;
    let sumSq = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      const luma = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += luma;
      sumSq += luma * luma;
    }
    const mean = sum / n;
    return {
      width: copy.width,
      height: copy.height,
      distinctColours: colours.size,
      lumaStdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    };
  }, selector);
}
