import type { ColourProbe } from '../../export/mesh/texture-bake';
import type { MeshSnapshot } from '../../../shared/mesh/mesh-snapshot-payload';

/**
 * A mesh snapshot's per-vertex albedo as a bake's colour probe: the albedo at a point is the average of the
 * snapshot's vertices within `radius` of it, weighted (1 − d/r)², or the nearest vertex's when none is that close.
 * The vertices are hashed into cubes of the radius, so a query reads the 27 around its point.
 */
export class VertexAlbedoProbe implements ColourProbe {
  private readonly cells = new Map<string, number[]>();

  constructor(
    private readonly mesh: MeshSnapshot,
    private readonly radius: number,
  ) {
    const p = mesh.positions;
    for (let v = 0; v < p.length / 3; v++) {
      const key = this.key(Math.floor(p[3 * v]! / radius), Math.floor(p[3 * v + 1]! / radius), Math.floor(p[3 * v + 2]! / radius));
      const list = this.cells.get(key);
      if (list) list.push(v);
      else this.cells.set(key, [v]);
    }
  }

  private key(i: number, j: number, k: number): string {
    return `${i},${j},${k}`;
  }

  sample(px: number, py: number, pz: number, _nx: number, _ny: number, _nz: number, out: Float64Array): number {
    const { positions: p, albedo } = this.mesh;
    const r = this.radius;
    const [ci, cj, ck] = [Math.floor(px / r), Math.floor(py / r), Math.floor(pz / r)];
    let total = 0;
    let nearest = -1;
    let nearestD = Infinity;
    out.fill(0, 0, 3);
    for (let i = ci - 1; i <= ci + 1; i++) {
      for (let j = cj - 1; j <= cj + 1; j++) {
        for (let k = ck - 1; k <= ck + 1; k++) {
          for (const v of this.cells.get(this.key(i, j, k)) ?? []) {
            const d = Math.hypot(p[3 * v]! - px, p[3 * v + 1]! - py, p[3 * v + 2]! - pz);
            if (d < nearestD) [nearest, nearestD] = [v, d];
            if (d >= r) continue;
            const w = (1 - d / r) ** 2;
            total += w;
            for (let ch = 0; ch < 3; ch++) out[ch]! += (w * albedo[3 * v + ch]!) / 255;
          }
        }
      }
    }
    if (total > 0) {
      for (let ch = 0; ch < 3; ch++) out[ch]! /= total;
      return 1;
    }
    if (nearest < 0) return 0;
    for (let ch = 0; ch < 3; ch++) out[ch] = albedo[3 * nearest + ch]! / 255;
    return 1;
  }
}
