/** 4-connected regions of one value in a binary H×W image. */
export interface Regions {
  /** Region index of each pixel, −1 where the pixel has the other value. */
  labels: Int32Array;
  sizes: number[];
  /** Whether each region reaches the image's edge. */
  touchesEdge: boolean[];
}

/** Labels the 4-connected regions of pixels equal to `value` (an explicit stack: no recursion depth limit). */
export function labelRegions(binary: Uint8Array, width: number, height: number, value: 0 | 1): Regions {
  const labels = new Int32Array(width * height).fill(-1);
  const sizes: number[] = [];
  const touchesEdge: boolean[] = [];
  const stack = new Int32Array(width * height);
  for (let seed = 0; seed < binary.length; seed++) {
    if (binary[seed] !== value || labels[seed] !== -1) continue;
    const label = sizes.length;
    let size = 0;
    let edge = false;
    let top = 0;
    stack[top++] = seed;
    labels[seed] = label;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      const visit = (q: number) => {
        if (binary[q] === value && labels[q] === -1) {
          labels[q] = label;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
    sizes.push(size);
    touchesEdge.push(edge);
  }
  return { labels, sizes, touchesEdge };
}
