import { addFaceCrossGradient, faceEdges, type DifferentiableMesh } from './face-cross';
import type { MeshEdges } from './mesh-edges';
import type { MarchedSurface } from './marching-tets';

// Each regulariser returns its loss and adds weight·∂loss/∂(its input) into the gradient buffer it is given.

/**
 * Uniform Laplacian smoothing, mean over vertices of ‖(L·V)_i‖² with L = D − A, i.e. (L·V)_i = Σ_j∈N(i) (v_i − v_j).
 * DTC123 takes the norm ‖L·V‖ unsquared; Kiln squares it, because the norm's gradient is undefined where L·V = 0
 * (a flat patch: it would jitter there) and has the same size for any bump, while the square pulls hard on spikes
 * and gently on sub-cell ripples. Gradient: (2/N)·L·(L·V), L symmetric.
 */
export function laplacianLoss(mesh: DifferentiableMesh, edges: MeshEdges, dPositions: Float32Array | Float64Array, weight = 1): number {
  const p = mesh.positions;
  const n = p.length / 3;
  if (n === 0) return 0;
  const lv = new Float64Array(3 * n);
  for (let e = 0; e < edges.a.length; e++) {
    const a = 3 * edges.a[e]!, b = 3 * edges.b[e]!;
    for (let x = 0; x < 3; x++) {
      const d = p[a + x]! - p[b + x]!;
      lv[a + x]! += d;
      lv[b + x]! -= d;
    }
  }
  let loss = 0;
  for (let k = 0; k < lv.length; k++) loss += lv[k]! * lv[k]!;
  const scale = (2 * weight) / n;
  for (let e = 0; e < edges.a.length; e++) {
    const a = 3 * edges.a[e]!, b = 3 * edges.b[e]!;
    for (let x = 0; x < 3; x++) {
      const d = scale * (lv[a + x]! - lv[b + x]!);
      dPositions[a + x]! += d;
      dPositions[b + x]! -= d;
    }
  }
  return loss / n;
}

/**
 * Normal consistency (threestudio, Magic123): mean over edges shared by two faces of 1 − cos(n_f, n_g), the unit
 * normals of the faces on either side. Gradient through the normalisation and the cross product; a degenerate face
 * (zero area) contributes neither loss direction nor gradient.
 */
export function normalConsistencyLoss(mesh: DifferentiableMesh, edges: MeshEdges, dPositions: Float32Array | Float64Array, weight = 1): number {
  const faces = mesh.indices.length / 3;
  const unit = new Float64Array(3 * faces);
  const length = new Float64Array(faces);
  const uv = new Float64Array(6);
  for (let f = 0; f < faces; f++) {
    faceEdges(mesh, f, uv);
    const cx = uv[1]! * uv[5]! - uv[2]! * uv[4]!, cy = uv[2]! * uv[3]! - uv[0]! * uv[5]!, cz = uv[0]! * uv[4]! - uv[1]! * uv[3]!;
    const l = Math.hypot(cx, cy, cz);
    length[f] = l;
    if (l > 0) {
      unit[3 * f] = cx / l;
      unit[3 * f + 1] = cy / l;
      unit[3 * f + 2] = cz / l;
    }
  }
  let pairs = 0;
  for (let e = 0; e < edges.a.length; e++) if (edges.forwardFace[e]! >= 0 && edges.backwardFace[e]! >= 0) pairs++;
  if (pairs === 0) return 0;
  let loss = 0;
  const dUnit = new Float64Array(3 * faces);
  for (let e = 0; e < edges.a.length; e++) {
    const f = edges.forwardFace[e]!, g = edges.backwardFace[e]!;
    if (f < 0 || g < 0) continue;
    let cos = 0;
    for (let x = 0; x < 3; x++) {
      cos += unit[3 * f + x]! * unit[3 * g + x]!;
      dUnit[3 * f + x]! -= unit[3 * g + x]!;
      dUnit[3 * g + x]! -= unit[3 * f + x]!;
    }
    loss += 1 - cos;
  }
  const scale = weight / pairs;
  for (let f = 0; f < faces; f++) {
    if (!(length[f]! > 0)) continue;
    // d(unit)/d(cross) = (I − n nᵀ)/‖c‖.
    const nx = unit[3 * f]!, ny = unit[3 * f + 1]!, nz = unit[3 * f + 2]!;
    const dx = dUnit[3 * f]!, dy = dUnit[3 * f + 1]!, dz = dUnit[3 * f + 2]!;
    const along = nx * dx + ny * dy + nz * dz;
    const k = scale / length[f]!;
    const gx = k * (dx - along * nx), gy = k * (dy - along * ny), gz = k * (dz - along * nz);
    addFaceCrossGradient(mesh, f, gx, gy, gz, dPositions, uv);
  }
  return loss / pairs;
}

/**
 * nvdiffrec's SDF regulariser: over the grid edges whose SDF changes sign — exactly the edges the surface's vertices
 * lie on, `surface.edgeVertices` — the binary cross-entropy of each end's σ(s) against the other end's side, mean
 * over those edges of BCE(s_a, [s_b > 0]) + BCE(s_b, [s_a > 0]) (s > 0 is outside, as in marchTetrahedra). Each end
 * is pushed towards the other's side, so every sign flip costs: surface the images do not hold up (floaters, walls
 * hidden inside the object) collapses. The targets are constant between sign flips, so
 * ∂/∂s_a = (σ(s_a) − [s_b > 0])/edges.
 */
export function sdfSignLoss(surface: Pick<MarchedSurface, 'edgeVertices'>, sdf: Float32Array, dSdf: Float32Array, weight = 1): number {
  const crossed = surface.edgeVertices.length / 2;
  if (crossed === 0) return 0;
  const scale = weight / crossed;
  let loss = 0;
  for (let s = 0; s < crossed; s++) {
    const a = surface.edgeVertices[2 * s]!, b = surface.edgeVertices[2 * s + 1]!;
    const sa = sdf[a]!, sb = sdf[b]!;
    const ta = sa > 0 ? 1 : 0, tb = sb > 0 ? 1 : 0;
    loss += bceWithLogit(sa, tb) + bceWithLogit(sb, ta);
    dSdf[a]! += scale * (sigmoid(sa) - tb);
    dSdf[b]! += scale * (sigmoid(sb) - ta);
  }
  return loss / crossed;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** −[t·log σ(x) + (1 − t)·log(1 − σ(x))], in the form that never overflows. */
function bceWithLogit(x: number, t: number): number {
  return Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
}
