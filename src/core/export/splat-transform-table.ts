import type * as SplatTransformModule from '@playcanvas/splat-transform';
import type { DataTable } from '@playcanvas/splat-transform';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { gaussiansToInriaColumns } from './ply/inria-columns';

type SplatTransform = typeof SplatTransformModule;

let library: Promise<SplatTransform> | undefined;

/** @playcanvas/splat-transform, loaded on first use: importing it takes over a second, which no other command should pay. */
export function loadSplatTransform(): Promise<SplatTransform> {
  library ??= import('@playcanvas/splat-transform');
  return library;
}

/**
 * Kiln's Gaussians as a splat-transform table. The columns are the Inria PLY's, already in the PLY frame
 * (ply/ply-frame.ts), and the table says so (Transform.PLY) so that its writers do not turn them again.
 */
export async function gaussiansToSplatTable(g: GaussianArrays): Promise<DataTable> {
  const { Column, DataTable, Transform } = await loadSplatTransform();
  const columns = gaussiansToInriaColumns(g)
    .filter((c) => c.name !== 'nx' && c.name !== 'ny' && c.name !== 'nz')
    .map((c) => new Column(c.name, c.values));
  return new DataTable(columns, Transform.PLY);
}
