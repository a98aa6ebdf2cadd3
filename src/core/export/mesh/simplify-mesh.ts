import { MeshoptSimplifier } from 'meshoptimizer';
import { compactMesh, triangleCount, type TriangleMesh } from './triangle-mesh';

/**
 * Largest deviation meshoptimizer may introduce, relative to the mesh's extent. Generous on purpose: the triangle
 * target is what the artist chose, and the bound only stops the simplifier from destroying the shape at tiny targets.
 */
const MAX_RELATIVE_ERROR = 0.05;

/**
 * Reduces a welded mesh to about `targetTriangles` with meshoptimizer's edge-collapse simplifier (quadric error,
 * topology kept). A mesh already at or under the target is returned compacted but otherwise unchanged.
 */
export async function simplifyMesh(mesh: TriangleMesh, targetTriangles: number): Promise<{ mesh: TriangleMesh; relativeError: number }> {
  if (triangleCount(mesh) <= targetTriangles) return { mesh: compactMesh(mesh), relativeError: 0 };
  await MeshoptSimplifier.ready;
  const [indices, relativeError] = MeshoptSimplifier.simplify(mesh.indices, mesh.positions, 3, 3 * targetTriangles, MAX_RELATIVE_ERROR);
  return { mesh: compactMesh({ positions: mesh.positions, indices }), relativeError };
}
