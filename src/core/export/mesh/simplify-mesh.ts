import { MeshoptSimplifier } from 'meshoptimizer';
import { compactMesh, type TriangleMesh } from './triangle-mesh';

/**
 * Largest deviation meshoptimizer may introduce, relative to the mesh's extent. Generous on purpose: the triangle
 * target is what the artist chose, and the bound only stops the simplifier from destroying the shape at tiny targets.
 */
const MAX_RELATIVE_ERROR = 0.05;

/**
 * Reduces a welded mesh with meshoptimizer's edge-collapse simplifier (quadric error, topology kept): first every
 * collapse that moves the surface less than `freeErrorM`, then, if still above `targetTriangles`, down to it.
 */
export async function simplifyMesh(
  mesh: TriangleMesh,
  targetTriangles: number,
  /** Deviation (metres) that costs nothing visible: collapses within it happen even under the target. */
  freeErrorM = 0,
): Promise<{ mesh: TriangleMesh; relativeError: number }> {
  await MeshoptSimplifier.ready;
  const scale = MeshoptSimplifier.getScale(mesh.positions, 3);
  const [free, freeError] = MeshoptSimplifier.simplify(mesh.indices, mesh.positions, 3, 0, freeErrorM / scale);
  if (free.length <= 3 * targetTriangles) return { mesh: compactMesh({ positions: mesh.positions, indices: free }), relativeError: freeError };
  const [indices, relativeError] = MeshoptSimplifier.simplify(free, mesh.positions, 3, 3 * targetTriangles, MAX_RELATIVE_ERROR);
  return { mesh: compactMesh({ positions: mesh.positions, indices }), relativeError };
}
