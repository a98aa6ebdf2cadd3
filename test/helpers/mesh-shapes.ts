import type { TriangleMesh } from '../../src/core/export/mesh/triangle-mesh';

type Vec3 = [number, number, number];

/** Signed volume of a closed mesh (positive when its triangles wind counter-clockwise seen from outside). */
export function signedVolume(mesh: TriangleMesh): number {
  const p = mesh.positions;
  let v = 0;
  for (let f = 0; f < mesh.indices.length; f += 3) {
    const a = 3 * mesh.indices[f]!, b = 3 * mesh.indices[f + 1]!, c = 3 * mesh.indices[f + 2]!;
    v += p[a]! * (p[b + 1]! * p[c + 2]! - p[b + 2]! * p[c + 1]!)
      - p[a + 1]! * (p[b]! * p[c + 2]! - p[b + 2]! * p[c]!)
      + p[a + 2]! * (p[b]! * p[c + 1]! - p[b + 1]! * p[c]!);
  }
  return v / 6;
}

/** An axis-aligned cube of edge `size` around `centre`, 12 triangles wound outward. */
export function cube(centre: Vec3 = [0, 0, 0], size = 1): TriangleMesh {
  const positions = new Float32Array(24);
  for (let i = 0; i < 8; i++) {
    for (let a = 0; a < 3; a++) positions[3 * i + a] = centre[a]! + size * (((i >> a) & 1) - 0.5);
  }
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 4, 6, 2], [1, 3, 7, 5], [0, 1, 5, 4], [2, 6, 7, 3]];
  const indices = Uint32Array.from(quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!]));
  return { positions, indices };
}

/** A UV sphere (poles on Y) with `rings` latitude bands and `segments` longitude bands, wound outward. */
export function uvSphere(centre: Vec3, radius: number, rings: number, segments: number): TriangleMesh {
  const points: number[] = [centre[0], centre[1] + radius, centre[2]];
  for (let r = 1; r < rings; r++) {
    const theta = (Math.PI * r) / rings;
    for (let s = 0; s < segments; s++) {
      const phi = (2 * Math.PI * s) / segments;
      points.push(centre[0] + radius * Math.sin(theta) * Math.cos(phi), centre[1] + radius * Math.cos(theta), centre[2] + radius * Math.sin(theta) * Math.sin(phi));
    }
  }
  points.push(centre[0], centre[1] - radius, centre[2]);
  const south = points.length / 3 - 1;
  const ring = (r: number, s: number) => 1 + (r - 1) * segments + (s % segments);
  const tris: number[] = [];
  for (let s = 0; s < segments; s++) {
    tris.push(0, ring(1, s + 1), ring(1, s));
    for (let r = 1; r < rings - 1; r++) tris.push(ring(r, s), ring(r, s + 1), ring(r + 1, s + 1), ring(r, s), ring(r + 1, s + 1), ring(r + 1, s));
    tris.push(south, ring(rings - 1, s), ring(rings - 1, s + 1));
  }
  const mesh = { positions: Float32Array.from(points), indices: Uint32Array.from(tris) };
  if (signedVolume(mesh) < 0) {
    for (let f = 0; f < mesh.indices.length; f += 3) [mesh.indices[f + 1], mesh.indices[f + 2]] = [mesh.indices[f + 2]!, mesh.indices[f + 1]!];
  }
  return mesh;
}

/**
 * A torus around the vertical (Y) axis through `centre`: ring radius `major`, tube radius `minor`, `rings` × `sides`
 * vertices, two triangles per quad, wound outward.
 */
export function torus(centre: Vec3, major: number, minor: number, rings: number, sides: number): TriangleMesh {
  const positions = new Float32Array(3 * rings * sides);
  const indices = new Uint32Array(6 * rings * sides);
  for (let i = 0; i < rings; i++) {
    const u = (2 * Math.PI * i) / rings;
    for (let j = 0; j < sides; j++) {
      const v = (2 * Math.PI * j) / sides;
      const radius = major + minor * Math.cos(v);
      positions.set([centre[0] + radius * Math.cos(u), centre[1] + minor * Math.sin(v), centre[2] + radius * Math.sin(u)], 3 * (i * sides + j));
      const [a, b, c, d] = [i * sides + j, ((i + 1) % rings) * sides + j, ((i + 1) % rings) * sides + ((j + 1) % sides), i * sides + ((j + 1) % sides)];
      indices.set([a, c, b, a, d, c], 6 * (i * sides + j));
    }
  }
  return { positions, indices };
}
