import { intersect, type Hit, type Vec3 } from './primitives';
import type { Camera } from '../../scene/cameras/camera';
import type { DemoObject } from './objects';

/** The part of a Kiln camera (scene/cameras) the ray caster needs. */
export type PinholeCamera = Pick<Camera, 'position' | 'target' | 'up' | 'fovYDeg' | 'width' | 'height'>;

/** The fixed look of every demo render (lighting is part of the object's appearance, so it stays put in the world). */
export const SHADING = {
  /** Unit direction toward the light, world space. */
  lightDir: normalize([0.45, 0.8, 0.6]),
  ambient: 0.35,
  diffuse: 0.65,
  background: [0.72, 0.72, 0.72] as Vec3,
};

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Ground-truth render of a demo object: channels-first 3×H×W in [0, 1], Lambert + ambient shading on a neutral
 * background, `samplesPerAxis`² jittered-free supersamples per pixel (box filter).
 */
export function renderObject(
  object: DemoObject,
  camera: PinholeCamera,
  samplesPerAxis = 2,
  /** When given (H×W), receives the fraction of each pixel's samples that hit the object: its exact silhouette. */
  coverage?: Float32Array,
): Float32Array {
  const { width: W, height: H } = camera;
  const forward = normalize([camera.target[0] - camera.position[0], camera.target[1] - camera.position[1], camera.target[2] - camera.position[2]]);
  const right = normalize(cross(forward, camera.up));
  const up = cross(right, forward);
  const tanHalf = Math.tan((camera.fovYDeg * Math.PI) / 360);
  const aspect = W / H;
  const [ox, oy, oz] = camera.position;
  const [lx, ly, lz] = SHADING.lightDir;
  const image = new Float32Array(3 * W * H);
  const hit: Hit = { t: Infinity, nx: 0, ny: 0, nz: 0 };
  const S = samplesPerAxis;
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < W; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (((col + (sx + 0.5) / S) / W) * 2 - 1) * tanHalf * aspect;
          const v = (1 - ((row + (sy + 0.5) / S) / H) * 2) * tanHalf;
          let dx = forward[0] + u * right[0] + v * up[0];
          let dy = forward[1] + u * right[1] + v * up[1];
          let dz = forward[2] + u * right[2] + v * up[2];
          const n = Math.hypot(dx, dy, dz);
          dx /= n;
          dy /= n;
          dz /= n;
          hit.t = Infinity;
          let color: Vec3 | null = null;
          for (const p of object.primitives) if (intersect(p.shape, ox, oy, oz, dx, dy, dz, 1e-6, hit)) color = p.color;
          if (!color) {
            r += SHADING.background[0];
            g += SHADING.background[1];
            b += SHADING.background[2];
            continue;
          }
          if (coverage) coverage[row * W + col]! += 1 / (S * S);
          const shade = SHADING.ambient + SHADING.diffuse * Math.max(0, hit.nx * lx + hit.ny * ly + hit.nz * lz);
          r += color[0] * shade;
          g += color[1] * shade;
          b += color[2] * shade;
        }
      }
      const k = 1 / (S * S);
      const i = row * W + col;
      image[i] = Math.min(1, r * k);
      image[W * H + i] = Math.min(1, g * k);
      image[2 * W * H + i] = Math.min(1, b * k);
    }
  }
  return image;
}
