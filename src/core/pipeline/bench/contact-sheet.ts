/** Tiles channels-first 3×S×S images into one 3×(rows·S)×(cols·S) image, with a 2-pixel gutter of `gutter` colour. */
export function contactSheet(rows: readonly (readonly Float32Array[])[], S: number, gutter: [number, number, number] = [1, 1, 1]) {
  const cols = Math.max(...rows.map((r) => r.length));
  const pad = 2;
  const width = cols * (S + pad) + pad;
  const height = rows.length * (S + pad) + pad;
  const image = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) image.fill(gutter[c]!, c * width * height, (c + 1) * width * height);
  rows.forEach((row, r) =>
    row.forEach((tile, k) => {
      const x0 = pad + k * (S + pad);
      const y0 = pad + r * (S + pad);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < S; y++)
          for (let x = 0; x < S; x++) image[c * width * height + (y0 + y) * width + x0 + x] = tile[c * S * S + y * S + x]!;
    }),
  );
  return { image, width, height };
}
