/**
 * Grows the filled texels of an RGB float texture (H×W×3) outwards, ring by ring: each empty texel next to filled
 * ones takes their mean, until none is empty. Chart borders then continue their own colour into the gutter, so
 * bilinear filtering and mipmaps do not pull in black or a neighbouring chart's colour at seams.
 * Returns the number of rings it took. An image with no filled texel is left as it is.
 */
export function dilateTexture(rgb: Float32Array, filled: Uint8Array, width: number, height: number): number {
  let frontier: number[] = [];
  const inFrontier = new Uint8Array(filled.length);
  const addNeighboursOf = (p: number, into: number[]) => {
    const x = p % width, y = (p - x) / width;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const qx = x + dx, qy = y + dy;
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
        const q = qy * width + qx;
        if (!filled[q] && !inFrontier[q]) {
          inFrontier[q] = 1;
          into.push(q);
        }
      }
  };
  for (let p = 0; p < filled.length; p++) if (filled[p]) addNeighboursOf(p, frontier);
  let rings = 0;
  const mean = new Float64Array(3);
  while (frontier.length > 0) {
    rings++;
    const colours = new Float32Array(3 * frontier.length);
    frontier.forEach((p, f) => {
      const x = p % width, y = (p - x) / width;
      mean.fill(0);
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const qx = x + dx, qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
          const q = qy * width + qx;
          if (!filled[q]) continue;
          for (let c = 0; c < 3; c++) mean[c] = mean[c]! + rgb[3 * q + c]!;
          n++;
        }
      for (let c = 0; c < 3; c++) colours[3 * f + c] = mean[c]! / n;
    });
    frontier.forEach((p, f) => {
      rgb.set(colours.subarray(3 * f, 3 * f + 3), 3 * p);
      filled[p] = 1;
    });
    const next: number[] = [];
    for (const p of frontier) addNeighboursOf(p, next);
    frontier = next;
  }
  return rings;
}
