import type { Locator } from 'playwright-core';

/** Inked pixels (alpha > 64) along a uPlot chart canvas's edges, two device pixels deep. */
export interface EdgeInk {
  left: number;
  right: number;
  bottom: number;
}

/**
 * Where an axis label runs off a uPlot chart, its glyphs are cut at the canvas edge and leave ink there; labels that
 * fit leave the edge columns and rows clear (the plot's lines and grid stay inside the axes).
 */
export function chartEdgeInk(chart: Locator): Promise<EdgeInk> {
  return chart.evaluate((host) => {
    const canvas = host.querySelector('canvas')!;
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const inked = (x: number, y: number) => data[4 * (y * width + x) + 3]! > 64;
    const ink = { left: 0, right: 0, bottom: 0 };
    for (let y = 0; y < height; y++) {
      for (const d of [0, 1]) {
        if (inked(d, y)) ink.left++;
        if (inked(width - 1 - d, y)) ink.right++;
      }
    }
    for (let x = 0; x < width; x++) for (const d of [0, 1]) if (inked(x, height - 1 - d)) ink.bottom++;
    return ink;
  });
}
