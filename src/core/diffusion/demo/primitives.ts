/**
 * Analytic primitives for the demo objects, each with a signed distance (for inside tests and Chamfer checks) and a
 * ray intersection that writes the surface normal. Sphere, box and cylinder intersect in closed form; cone and torus
 * sphere-trace their exact distance function inside their bounding sphere.
 */
export type Vec3 = readonly [number, number, number];

export type PrimitiveShape =
  | { type: 'sphere'; center: Vec3; radius: number }
  | { type: 'box'; center: Vec3; halfSize: Vec3 }
  /** Capped cylinder along Y. */
  | { type: 'cylinder'; center: Vec3; radius: number; halfHeight: number }
  /** Cone along Y from a base disc (radius) at center.y − halfHeight to the apex at center.y + halfHeight. */
  | { type: 'cone'; center: Vec3; radius: number; halfHeight: number }
  /** Torus whose ring lies in the plane perpendicular to `axis`. */
  | { type: 'torus'; center: Vec3; majorRadius: number; minorRadius: number; axis: 'y' | 'z' };

export interface Primitive {
  shape: PrimitiveShape;
  /** Albedo in [0, 1] sRGB-encoded values. */
  color: Vec3;
}

/** Where a ray hit: distance along the (unit) ray and the unit outward normal. */
export interface Hit {
  t: number;
  nx: number;
  ny: number;
  nz: number;
}

export function signedDistance(s: PrimitiveShape, px: number, py: number, pz: number): number {
  const x = px - s.center[0];
  const y = py - s.center[1];
  const z = pz - s.center[2];
  switch (s.type) {
    case 'sphere':
      return Math.hypot(x, y, z) - s.radius;
    case 'box': {
      const qx = Math.abs(x) - s.halfSize[0];
      const qy = Math.abs(y) - s.halfSize[1];
      const qz = Math.abs(z) - s.halfSize[2];
      return Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0)) + Math.min(Math.max(qx, qy, qz), 0);
    }
    case 'cylinder': {
      const dx = Math.hypot(x, z) - s.radius;
      const dy = Math.abs(y) - s.halfHeight;
      return Math.min(Math.max(dx, dy), 0) + Math.hypot(Math.max(dx, 0), Math.max(dy, 0));
    }
    case 'cone': {
      // Exact capped-cone distance in the (radial, height) half-plane, apex radius 0.
      const h = s.halfHeight;
      const r1 = s.radius;
      const qx = Math.hypot(x, z);
      const qy = y;
      const cax = qx - Math.min(qx, qy < 0 ? r1 : 0);
      const cay = Math.abs(qy) - h;
      const k2x = -r1;
      const k2y = 2 * h;
      const f = Math.min(1, Math.max(0, (-qx * k2x + (h - qy) * k2y) / (k2x * k2x + k2y * k2y)));
      const cbx = qx + k2x * f;
      const cby = qy - h + k2y * f;
      const sign = cbx < 0 && cay < 0 ? -1 : 1;
      return sign * Math.sqrt(Math.min(cax * cax + cay * cay, cbx * cbx + cby * cby));
    }
    case 'torus': {
      const [radial, along] = s.axis === 'y' ? [Math.hypot(x, z), y] : [Math.hypot(x, y), z];
      return Math.hypot(radial - s.majorRadius, along) - s.minorRadius;
    }
  }
}

function boundingRadius(s: PrimitiveShape): number {
  switch (s.type) {
    case 'sphere':
      return s.radius;
    case 'box':
      return Math.hypot(...s.halfSize);
    case 'cylinder':
    case 'cone':
      return Math.hypot(s.radius, s.halfHeight);
    case 'torus':
      return s.majorRadius + s.minorRadius;
  }
}

/** Entry and exit distances of a ray with a sphere, or null when it misses. */
function sphereSpan(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, r: number): [number, number] | null {
  const b = ox * dx + oy * dy + oz * dz;
  const c = ox * ox + oy * oy + oz * oz - r * r;
  const disc = b * b - c;
  if (disc < 0) return null;
  const root = Math.sqrt(disc);
  return [-b - root, -b + root];
}

const NORMAL_EPS = 1e-5;

function sdfNormal(s: PrimitiveShape, px: number, py: number, pz: number, hit: Hit): void {
  const e = NORMAL_EPS;
  const gx = signedDistance(s, px + e, py, pz) - signedDistance(s, px - e, py, pz);
  const gy = signedDistance(s, px, py + e, pz) - signedDistance(s, px, py - e, pz);
  const gz = signedDistance(s, px, py, pz + e) - signedDistance(s, px, py, pz - e);
  const n = Math.hypot(gx, gy, gz) || 1;
  hit.nx = gx / n;
  hit.ny = gy / n;
  hit.nz = gz / n;
}

/** Nearest hit with t in (tMin, hit.t); updates `hit` and returns true when closer than what it held. */
export function intersect(
  s: PrimitiveShape,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tMin: number,
  hit: Hit,
): boolean {
  // Work relative to the primitive's centre.
  const lx = ox - s.center[0];
  const ly = oy - s.center[1];
  const lz = oz - s.center[2];
  const span = sphereSpan(lx, ly, lz, dx, dy, dz, boundingRadius(s) * 1.0001);
  if (!span || span[1] < tMin || span[0] > hit.t) return false;
  switch (s.type) {
    case 'sphere': {
      const t = span[0] > tMin ? span[0] : span[1];
      if (t <= tMin || t >= hit.t) return false;
      hit.t = t;
      hit.nx = (lx + t * dx) / s.radius;
      hit.ny = (ly + t * dy) / s.radius;
      hit.nz = (lz + t * dz) / s.radius;
      return true;
    }
    case 'box': {
      let tNear = -Infinity;
      let tFar = Infinity;
      let axis = 0;
      const o = [lx, ly, lz];
      const d = [dx, dy, dz];
      for (let k = 0; k < 3; k++) {
        const dk = d[k]!;
        const ok = o[k]!;
        const h = s.halfSize[k]!;
        if (Math.abs(dk) < 1e-12) {
          if (ok < -h || ok > h) return false;
          continue;
        }
        let t0 = (-h - ok) / dk;
        let t1 = (h - ok) / dk;
        if (t0 > t1) [t0, t1] = [t1, t0];
        if (t0 > tNear) {
          tNear = t0;
          axis = k;
        }
        tFar = Math.min(tFar, t1);
      }
      if (tNear > tFar || tNear <= tMin || tNear >= hit.t) return false;
      hit.t = tNear;
      const sign = -Math.sign(d[axis]!);
      hit.nx = axis === 0 ? sign : 0;
      hit.ny = axis === 1 ? sign : 0;
      hit.nz = axis === 2 ? sign : 0;
      return true;
    }
    case 'cylinder': {
      let best = Infinity;
      let normal: Vec3 = [0, 0, 0];
      const a = dx * dx + dz * dz;
      if (a > 1e-12) {
        const b = lx * dx + lz * dz;
        const c = lx * lx + lz * lz - s.radius * s.radius;
        const disc = b * b - a * c;
        if (disc >= 0) {
          const t = (-b - Math.sqrt(disc)) / a;
          const y = ly + t * dy;
          if (t > tMin && Math.abs(y) <= s.halfHeight) {
            best = t;
            normal = [(lx + t * dx) / s.radius, 0, (lz + t * dz) / s.radius];
          }
        }
      }
      if (Math.abs(dy) > 1e-12) {
        for (const cap of [-s.halfHeight, s.halfHeight]) {
          const t = (cap - ly) / dy;
          const x = lx + t * dx;
          const z = lz + t * dz;
          if (t > tMin && t < best && x * x + z * z <= s.radius * s.radius) {
            best = t;
            normal = [0, Math.sign(cap), 0];
          }
        }
      }
      if (best >= hit.t) return false;
      hit.t = best;
      [hit.nx, hit.ny, hit.nz] = normal;
      return true;
    }
    case 'cone':
    case 'torus': {
      let t = Math.max(span[0], tMin);
      const end = Math.min(span[1], hit.t);
      for (let step = 0; step < 256 && t < end; step++) {
        const d = signedDistance(s, ox + t * dx, oy + t * dy, oz + t * dz);
        if (d < 1e-5) {
          hit.t = t;
          sdfNormal(s, ox + t * dx, oy + t * dy, oz + t * dz, hit);
          return true;
        }
        t += d;
      }
      return false;
    }
  }
}
