/**
 * The marching-cubes case table, derived at load time from the algorithm rather than typed in: for each of the 256
 * inside/outside corner configurations, walk every cube face, join its edge crossings into directed segments, chain
 * the segments across faces into closed loops and fan-triangulate each loop. Ambiguous faces (two diagonal inside
 * corners) always separate the inside corners; the rule depends only on the face's own corners, so neighbouring
 * cubes agree and the surface has no cracks.
 *
 * Corner c sits at (c & 1, (c >> 1) & 1, (c >> 2) & 1) in the cube; edge e joins EDGE_CORNERS[e] and runs along
 * EDGE_AXIS[e]. Triangles are wound counter-clockwise seen from outside (the side with values below the iso-level).
 */
export const EDGE_CORNERS: readonly (readonly [number, number])[] = buildEdges();
export const EDGE_AXIS: readonly number[] = EDGE_CORNERS.map(([a, b]) => Math.log2(b - a));

function buildEdges(): [number, number][] {
  const edges: [number, number][] = [];
  for (const bit of [1, 2, 4]) for (let c = 0; c < 8; c++) if (!(c & bit)) edges.push([c, c | bit]);
  return edges;
}

function cornerPosition(c: number): [number, number, number] {
  return [c & 1, (c >> 1) & 1, (c >> 2) & 1];
}

function edgeIndex(a: number, b: number): number {
  const e = EDGE_CORNERS.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));
  if (e < 0) throw new Error(`corners ${a} and ${b} share no edge`);
  return e;
}

/** The 6 faces as corner cycles, counter-clockwise seen from outside the cube. */
function faceCycles(): number[][] {
  const faces: number[][] = [];
  for (let axis = 0; axis < 3; axis++) {
    const [u, v] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
    for (const side of [0, 1]) {
      const corner = (cu: number, cv: number) => (side << axis) | (cu << u) | (cv << v);
      const cycle = [corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1)];
      const [a, b, c] = cycle.map(cornerPosition) as [number, number, number][];
      if (!a || !b || !c) throw new Error('a face has four corners');
      const e1 = [0, 1, 2].map((k) => b[k]! - a[k]!), e2 = [0, 1, 2].map((k) => c[k]! - b[k]!);
      const cross = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
      const outward = side === 1 ? 1 : -1;
      faces.push(cross[axis]! * outward > 0 ? cycle : cycle.reverse());
    }
  }
  return faces;
}

/** Closed loops of crossed edges for one configuration (bit c set = corner c inside). */
function configurationLoops(config: number, faces: number[][]): number[][] {
  const inside = (c: number) => ((config >> c) & 1) === 1;
  const next = new Map<number, number>();
  for (const cycle of faces) {
    const crossings: { edge: number; exit: boolean }[] = [];
    for (let i = 0; i < 4; i++) {
      const p = cycle[i]!, q = cycle[(i + 1) % 4]!;
      if (inside(p) !== inside(q)) crossings.push({ edge: edgeIndex(p, q), exit: inside(p) });
    }
    // Pair each exit with the entry just before it: the segment that cuts off that run of inside corners.
    crossings.forEach((x, i) => {
      if (!x.exit) return;
      const entry = crossings[(i - 1 + crossings.length) % crossings.length]!;
      next.set(x.edge, entry.edge);
    });
  }
  const loops: number[][] = [];
  const visited = new Set<number>();
  for (const start of next.keys()) {
    if (visited.has(start)) continue;
    const loop: number[] = [];
    for (let e = start; !visited.has(e); e = next.get(e)!) {
      visited.add(e);
      loop.push(e);
    }
    loops.push(loop);
  }
  return loops;
}

/**
 * The loop rotated so that its fan's diagonals never join two vertices on the same cube face: such a diagonal lies
 * in the face, and the neighbouring cube may emit the same edge, which would make the surface non-manifold.
 */
function fanOrder(loop: number[], faces: number[][]): number[] {
  const onFace = (e: number) => faces.map((f) => f.includes(EDGE_CORNERS[e]![0]) && f.includes(EDGE_CORNERS[e]![1]));
  const shareFace = (a: number, b: number) => onFace(a).some((x, f) => x && onFace(b)[f]);
  for (let s = 0; s < loop.length; s++) {
    const rotated = [...loop.slice(s), ...loop.slice(0, s)];
    if (rotated.slice(2, -1).every((e) => !shareFace(rotated[0]!, e))) return rotated;
  }
  throw new Error(`no fan of the loop ${loop.join(',')} avoids in-face diagonals`);
}

function buildTriangleTable(): Int8Array {
  const faces = faceCycles();
  const table = new Int8Array(256 * 16).fill(-1);
  // Orientation: in configuration 1 (corner 0 inside) the triangle must face away from corner 0.
  const [probe] = configurationLoops(1, faces);
  const mid = (e: number) => cornerPosition(EDGE_CORNERS[e]![0]).map((p, k) => 0.5 * (p + cornerPosition(EDGE_CORNERS[e]![1])[k]!));
  const [a, b, c] = probe!.map(mid) as [number[], number[], number[]];
  const e1 = [0, 1, 2].map((k) => b[k]! - a[k]!), e2 = [0, 1, 2].map((k) => c[k]! - a[k]!);
  const normal = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
  const flip = normal[0]! + normal[1]! + normal[2]! < 0;
  for (let config = 0; config < 256; config++) {
    let slot = 0;
    for (const loop of configurationLoops(config, faces)) {
      const ordered = fanOrder(flip ? [...loop].reverse() : loop, faces);
      for (let i = 1; i + 1 < ordered.length; i++) {
        if (slot + 3 > 16) throw new Error(`marching-cubes case ${config} needs more than 5 triangles`);
        table.set([ordered[0]!, ordered[i]!, ordered[i + 1]!], 16 * config + slot);
        slot += 3;
      }
    }
  }
  return table;
}

/** For configuration `config`, triangles as edge triples, −1-terminated, 16 slots per configuration. */
export const TRIANGLE_TABLE: Int8Array = buildTriangleTable();
