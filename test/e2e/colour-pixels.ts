import type { Locator } from 'playwright-core';

export interface ColourCount {
  /** Pixels where the channel leads the other two clearly (red, pink and orange-red for 'red'), not greys. */
  matching: number;
  total: number;
  /** A coarse fingerprint (mean RGB per cell of an 8×8 grid), for telling two frames apart. */
  grid: number[];
}

/**
 * Counts the pixels of a WebGL canvas (drawn with preserveDrawingBuffer) that are dominated by one channel — e.g. the
 * red of "a red cube" — inside the element `canvasHost` (the R3F wrapper with the canvas's accessible name). The
 * studio's own red marks (the axis gizmo) count too, so compare against the empty scene.
 */
export function countColour(canvasHost: Locator, channel: 'red' | 'green' | 'blue'): Promise<ColourCount> {
  return canvasHost.locator('canvas').evaluate((source: HTMLCanvasElement, dominant) => {
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(source, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, copy.width, copy.height);
    const index = dominant === 'red' ? 0 : dominant === 'green' ? 1 : 2;
    const cells = new Float64Array(8 * 8 * 4);
    let matching = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = 4 * (y * width + x);
        const c = [data[p]!, data[p + 1]!, data[p + 2]!];
        const main = c[index]!;
        const others = c.filter((_, i) => i !== index);
        if (main > 100 && main - Math.max(...others) > 45) matching++;
        const cell = 4 * (Math.min(7, Math.floor((8 * y) / height)) * 8 + Math.min(7, Math.floor((8 * x) / width)));
        cells[cell] = cells[cell]! + c[0]!;
        cells[cell + 1] = cells[cell + 1]! + c[1]!;
        cells[cell + 2] = cells[cell + 2]! + c[2]!;
        cells[cell + 3] = cells[cell + 3]! + 1;
      }
    }
    const grid: number[] = [];
    for (let i = 0; i < cells.length; i += 4) grid.push(cells[i]! / cells[i + 3]!, cells[i + 1]! / cells[i + 3]!, cells[i + 2]! / cells[i + 3]!);
    return { matching, total: width * height, grid };
  }, channel);
}

/** Mean absolute difference between two fingerprints (0–255). */
export function gridDifference(a: ColourCount, b: ColourCount): number {
  return a.grid.reduce((sum, v, i) => sum + Math.abs(v - b.grid[i]!), 0) / a.grid.length;
}
