import { addFaceCrossGradient, faceEdges, type DifferentiableMesh } from './face-cross';

/**
 * Backward of the exporter's area-weighted unit vertex normals (export/mesh/triangle-mesh.ts vertexNormals:
 * n_v = s_v/‖s_v‖, s_v = Σ over the faces at v of (p1 − p0) × (p2 − p0)): dL/d(normals) → dL/d(positions), added
 * into dPositions. Shading that uses the normals then moves the geometry. A vertex no face uses has a fixed normal.
 */
export function vertexNormalsBackward(mesh: DifferentiableMesh, dNormals: ArrayLike<number>, dPositions: Float32Array | Float64Array): void {
  const faces = mesh.indices.length / 3;
  const sums = new Float64Array(mesh.positions.length);
  const cross = new Float64Array(3 * faces);
  const uv = new Float64Array(6);
  for (let f = 0; f < faces; f++) {
    faceEdges(mesh, f, uv);
    cross[3 * f] = uv[1]! * uv[5]! - uv[2]! * uv[4]!;
    cross[3 * f + 1] = uv[2]! * uv[3]! - uv[0]! * uv[5]!;
    cross[3 * f + 2] = uv[0]! * uv[4]! - uv[1]! * uv[3]!;
    for (let k = 0; k < 3; k++) {
      const v = 3 * mesh.indices[3 * f + k]!;
      for (let x = 0; x < 3; x++) sums[v + x]! += cross[3 * f + x]!;
    }
  }
  // dL/ds_v = (I − n nᵀ)·dL/dn_v / ‖s_v‖, written over the sums.
  for (let v = 0; v < sums.length; v += 3) {
    const length = Math.hypot(sums[v]!, sums[v + 1]!, sums[v + 2]!);
    if (!(length > 0)) {
      sums.fill(0, v, v + 3);
      continue;
    }
    const nx = sums[v]! / length, ny = sums[v + 1]! / length, nz = sums[v + 2]! / length;
    const dx = dNormals[v]!, dy = dNormals[v + 1]!, dz = dNormals[v + 2]!;
    const along = nx * dx + ny * dy + nz * dz;
    sums[v] = (dx - along * nx) / length;
    sums[v + 1] = (dy - along * ny) / length;
    sums[v + 2] = (dz - along * nz) / length;
  }
  for (let f = 0; f < faces; f++) {
    const a = 3 * mesh.indices[3 * f]!, b = 3 * mesh.indices[3 * f + 1]!, c = 3 * mesh.indices[3 * f + 2]!;
    addFaceCrossGradient(mesh, f, sums[a]! + sums[b]! + sums[c]!, sums[a + 1]! + sums[b + 1]! + sums[c + 1]!, sums[a + 2]! + sums[b + 2]! + sums[c + 2]!, dPositions, uv);
  }
}
