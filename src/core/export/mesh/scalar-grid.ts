/**
 * A scalar field sampled at the nodes of a regular grid: value(i, j, k) at origin + spacing·(i, j, k), stored with
 * i fastest: values[(k·ny + j)·nx + i].
 */
export interface ScalarGrid {
  origin: [number, number, number];
  spacingM: number;
  /** Node counts along x, y, z. */
  dims: [number, number, number];
  values: Float32Array;
}

export function createScalarGrid(origin: [number, number, number], spacingM: number, dims: [number, number, number]): ScalarGrid {
  return { origin, spacingM, dims, values: new Float32Array(dims[0] * dims[1] * dims[2]) };
}

/** Samples a function of position on the grid (used for analytic fields such as a signed distance). */
export function sampleScalarGrid(
  origin: [number, number, number],
  spacingM: number,
  dims: [number, number, number],
  f: (x: number, y: number, z: number) => number,
): ScalarGrid {
  const grid = createScalarGrid(origin, spacingM, dims);
  const [nx, ny, nz] = dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        grid.values[(k * ny + j) * nx + i] = f(origin[0] + i * spacingM, origin[1] + j * spacingM, origin[2] + k * spacingM);
  return grid;
}
