export interface ConvexityOptions {
  /** Square images, S×S; tan(fovY/2) of the camera that rendered them. */
  size: number;
  tanHalfFovY: number;
  /** Pixels with alpha below this have no surface (the depth render is Σ wᵢzᵢ, divided here by alpha). */
  alphaThreshold: number;
  weight: number;
}

export interface ConvexityResult {
  /** −weight·Σ signed sines (summed over neighbour pairs and images, like a per-pixel loss). */
  loss: number;
  /** ∂loss/∂depth, same layout as the depth batch (alpha held fixed). */
  dDepth: Float64Array;
  pairs: number;
}

/**
 * SDI's convexity loss (§5.2: "the sine between adjacent normals, left → right and top → bottom"), on normals derived
 * from the depth render. Camera space (OpenGL: x right, y up, looking down −z), pixel (i, j) back-projects to
 * P = z·(x_n, y_n, −1) with z = depth/alpha; forward differences A = P(i+1, j) − P(i, j), B = P(i, j+1) − P(i, j)
 * give the camera-facing normal n = (A × B)/|A × B| on an (S−1)² grid. The signed sines
 * s_x = (n(i,j) × n(i,j+1))·ŷ and s_y = (n(i,j) × n(i+1,j))·x̂ are positive where the surface curves away from the
 * camera (convex, a sphere's front) and negative where it is hollow; the loss is −weight·Σ s, so descent favours
 * convex shapes. Pairs touching a pixel without surface are skipped.
 */
export function convexityLoss(depth: ArrayLike<number>, alpha: ArrayLike<number>, o: ConvexityOptions): ConvexityResult {
  const S = o.size;
  const N = S * S;
  if (depth.length % N !== 0 || alpha.length !== depth.length) throw new Error(`convexityLoss: depth/alpha are not whole ${S}×${S} images`);
  const M = S - 1;
  const dDepth = new Float64Array(depth.length);
  const ray = new Float64Array(2 * N);
  for (let i = 0; i < S; i++)
    for (let j = 0; j < S; j++) {
      ray[2 * (i * S + j)] = (((j + 0.5) * 2) / S - 1) * o.tanHalfFovY;
      ray[2 * (i * S + j) + 1] = (1 - ((i + 0.5) * 2) / S) * o.tanHalfFovY;
    }
  const P = new Float64Array(3 * N);
  const valid = new Uint8Array(N);
  const normal = new Float64Array(3 * M * M);
  const cross = new Float64Array(3 * M * M);
  const length = new Float64Array(M * M);
  const hasNormal = new Uint8Array(M * M);
  const dNormal = new Float64Array(3 * M * M);
  const dP = new Float64Array(3 * N);
  let loss = 0;
  let pairs = 0;

  for (let b = 0; b < depth.length / N; b++) {
    const off = b * N;
    for (let p = 0; p < N; p++) {
      const a = alpha[off + p]!;
      const d = depth[off + p]!;
      valid[p] = a >= o.alphaThreshold && a > 0 && d > 0 ? 1 : 0;
      const z = valid[p] ? d / a : 0;
      P[3 * p] = z * ray[2 * p]!;
      P[3 * p + 1] = z * ray[2 * p + 1]!;
      P[3 * p + 2] = -z;
    }
    hasNormal.fill(0);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < M; j++) {
        const p = i * S + j;
        const q = i * M + j;
        if (!valid[p] || !valid[p + S] || !valid[p + 1]) continue;
        const [ax, ay, az] = [P[3 * (p + S)]! - P[3 * p]!, P[3 * (p + S) + 1]! - P[3 * p + 1]!, P[3 * (p + S) + 2]! - P[3 * p + 2]!];
        const [bx, by, bz] = [P[3 * (p + 1)]! - P[3 * p]!, P[3 * (p + 1) + 1]! - P[3 * p + 1]!, P[3 * (p + 1) + 2]! - P[3 * p + 2]!];
        const cx = ay * bz - az * by;
        const cy = az * bx - ax * bz;
        const cz = ax * by - ay * bx;
        const len = Math.hypot(cx, cy, cz);
        if (!(len > 1e-30)) continue;
        hasNormal[q] = 1;
        length[q] = len;
        cross.set([cx, cy, cz], 3 * q);
        normal.set([cx / len, cy / len, cz / len], 3 * q);
      }

    dNormal.fill(0);
    const w = o.weight;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < M; j++) {
        const q = i * M + j;
        if (!hasNormal[q]) continue;
        const n1 = 3 * q;
        if (j + 1 < M && hasNormal[q + 1]) {
          const n2 = 3 * (q + 1);
          loss -= w * (normal[n1 + 2]! * normal[n2]! - normal[n1]! * normal[n2 + 2]!);
          dNormal[n1]! += w * normal[n2 + 2]!;
          dNormal[n1 + 2]! -= w * normal[n2]!;
          dNormal[n2]! -= w * normal[n1 + 2]!;
          dNormal[n2 + 2]! += w * normal[n1]!;
          pairs++;
        }
        if (i + 1 < M && hasNormal[q + M]) {
          const n2 = 3 * (q + M);
          loss -= w * (normal[n1 + 1]! * normal[n2 + 2]! - normal[n1 + 2]! * normal[n2 + 1]!);
          dNormal[n1 + 1]! -= w * normal[n2 + 2]!;
          dNormal[n1 + 2]! += w * normal[n2 + 1]!;
          dNormal[n2 + 1]! += w * normal[n1 + 2]!;
          dNormal[n2 + 2]! -= w * normal[n1 + 1]!;
          pairs++;
        }
      }

    dP.fill(0);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < M; j++) {
        const q = i * M + j;
        if (!hasNormal[q]) continue;
        // Through n = c/|c|: dc = (dn − n(n·dn))/|c|; then c = A × B: dA = B × dc, dB = dc × A.
        const [nx, ny, nz] = [normal[3 * q]!, normal[3 * q + 1]!, normal[3 * q + 2]!];
        const [gx, gy, gz] = [dNormal[3 * q]!, dNormal[3 * q + 1]!, dNormal[3 * q + 2]!];
        const along = nx * gx + ny * gy + nz * gz;
        const len = length[q]!;
        const dcx = (gx - nx * along) / len;
        const dcy = (gy - ny * along) / len;
        const dcz = (gz - nz * along) / len;
        const p = i * S + j;
        const [ax, ay, az] = [P[3 * (p + S)]! - P[3 * p]!, P[3 * (p + S) + 1]! - P[3 * p + 1]!, P[3 * (p + S) + 2]! - P[3 * p + 2]!];
        const [bx, by, bz] = [P[3 * (p + 1)]! - P[3 * p]!, P[3 * (p + 1) + 1]! - P[3 * p + 1]!, P[3 * (p + 1) + 2]! - P[3 * p + 2]!];
        const dA = [by * dcz - bz * dcy, bz * dcx - bx * dcz, bx * dcy - by * dcx];
        const dB = [dcy * az - dcz * ay, dcz * ax - dcx * az, dcx * ay - dcy * ax];
        for (let k = 0; k < 3; k++) {
          dP[3 * (p + S) + k]! += dA[k]!;
          dP[3 * (p + 1) + k]! += dB[k]!;
          dP[3 * p + k]! -= dA[k]! + dB[k]!;
        }
      }
    for (let p = 0; p < N; p++) {
      if (!valid[p]) continue;
      const dz = dP[3 * p]! * ray[2 * p]! + dP[3 * p + 1]! * ray[2 * p + 1]! - dP[3 * p + 2]!;
      dDepth[off + p] = dz / alpha[off + p]!;
    }
  }
  return { loss, dDepth, pairs };
}
