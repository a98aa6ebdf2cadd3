/** A triangle mesh in float32 (as extracted) or float64 (for exact gradient checks). */
export interface DifferentiableMesh {
  positions: Float32Array | Float64Array;
  indices: Uint32Array;
}

/** Face f's edge vectors u = p1 − p0 and v = p2 − p0, written into out[0 … 5]. */
export function faceEdges(mesh: DifferentiableMesh, f: number, out: Float64Array): void {
  const p = mesh.positions;
  const i0 = 3 * mesh.indices[3 * f]!, i1 = 3 * mesh.indices[3 * f + 1]!, i2 = 3 * mesh.indices[3 * f + 2]!;
  for (let x = 0; x < 3; x++) {
    out[x] = p[i1 + x]! - p[i0 + x]!;
    out[3 + x] = p[i2 + x]! - p[i0 + x]!;
  }
}

/**
 * Adds to the face's corners the gradient of a loss whose gradient with respect to the face's cross product
 * c = u × v is g: dL/du = v × g, dL/dv = g × u, and p0 takes −(dL/du + dL/dv). `scratch` holds 6 numbers.
 */
export function addFaceCrossGradient(mesh: DifferentiableMesh, f: number, gx: number, gy: number, gz: number, dPositions: Float32Array | Float64Array, scratch: Float64Array): void {
  faceEdges(mesh, f, scratch);
  const ux = scratch[0]!, uy = scratch[1]!, uz = scratch[2]!, vx = scratch[3]!, vy = scratch[4]!, vz = scratch[5]!;
  const dux = vy * gz - vz * gy, duy = vz * gx - vx * gz, duz = vx * gy - vy * gx;
  const dvx = gy * uz - gz * uy, dvy = gz * ux - gx * uz, dvz = gx * uy - gy * ux;
  const i0 = 3 * mesh.indices[3 * f]!, i1 = 3 * mesh.indices[3 * f + 1]!, i2 = 3 * mesh.indices[3 * f + 2]!;
  dPositions[i1]! += dux;
  dPositions[i1 + 1]! += duy;
  dPositions[i1 + 2]! += duz;
  dPositions[i2]! += dvx;
  dPositions[i2 + 1]! += dvy;
  dPositions[i2 + 2]! += dvz;
  dPositions[i0]! -= dux + dvx;
  dPositions[i0 + 1]! -= duy + dvy;
  dPositions[i0 + 2]! -= duz + dvz;
}
