/**
 * Turns a binary foreground into an alpha matte along its outline. An edge pixel that is fraction a object and
 * 1 − a backdrop lies at a·D from the backdrop colour, D being the object's own distance, so a = d / D with D taken
 * from the nearest solid object pixels (those in a 5×5 window not on the outline). Pixels off the outline keep 0 or 1.
 */
export function softenEdges(binary: Uint8Array, distance: Float32Array, width: number, height: number): Float32Array {
  const alpha = new Float32Array(width * height);
  const onOutline = (x: number, y: number) => {
    const v = binary[y * width + x];
    return (x > 0 && binary[y * width + x - 1] !== v) || (x < width - 1 && binary[y * width + x + 1] !== v) || (y > 0 && binary[(y - 1) * width + x] !== v) || (y < height - 1 && binary[(y + 1) * width + x] !== v);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!onOutline(x, y)) {
        alpha[p] = binary[p]!;
        continue;
      }
      let solid = 0;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= height || binary[qy * width + qx] !== 1 || onOutline(qx, qy)) continue;
          solid = Math.max(solid, distance[qy * width + qx]!);
        }
      }
      alpha[p] = solid > 0 ? Math.min(1, distance[p]! / solid) : binary[p]!;
    }
  }
  return alpha;
}
