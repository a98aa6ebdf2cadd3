import { SHADING } from '../../diffusion/demo/raycast';
import { kernelCameraPosition, type KernelCamera } from '../../render/kernel-camera';
import type { Rng } from '../../random/rng';

/**
 * How the mesh stage lights its albedo, so the colour field learns albedo and not shading (a GLB's texture must not
 * hold light: engines light it again).
 * - `demo-lambert`: the demo prior's own look (diffusion/demo/raycast.ts SHADING), albedo·(ambient + diffuse·max(0,
 *   n·l)) under its fixed world light — the exact model its renders were made with.
 * - `random-point-light`: for real packs, as Magic3D and Fantasia3D refine (threestudio's diffuse shading): per view
 *   a point light at a random position around the camera, the same ambient/diffuse split, so no single lighting gets
 *   baked into the albedo.
 */
export type ShadingModel = 'demo-lambert' | 'random-point-light';
export const SHADING_MODELS = ['demo-lambert', 'random-point-light'] as const;

/** One view's light: a direction toward the light (directional), or a point light's world position. */
export interface ViewLight {
  ambient: number;
  diffuse: number;
  direction?: readonly [number, number, number];
  position?: readonly [number, number, number];
}

/** The point light sits at 0.8–1.5 × the camera's distance, within ~35° of the camera's direction (threestudio). */
const POINT_LIGHT_DISTANCE = [0.8, 1.5] as const;
const POINT_LIGHT_JITTER = 0.35;

/** The demo prior's fixed world light (diffusion/demo/raycast.ts SHADING). */
export const DEMO_LIGHT: ViewLight = { ambient: SHADING.ambient, diffuse: SHADING.diffuse, direction: SHADING.lightDir };

/** The one light a model lights every view with, when it has one (the demo prior's); undefined for random lights. */
export function fixedLight(model: ShadingModel): ViewLight | undefined {
  return model === 'demo-lambert' ? DEMO_LIGHT : undefined;
}

/** The lights of one batch of views; `rng` is drawn only by the random model. */
export function viewLights(model: ShadingModel, cameras: readonly KernelCamera[], rng: Rng): ViewLight[] {
  if (model === 'demo-lambert') return cameras.map(() => DEMO_LIGHT);
  return cameras.map((camera) => {
    const c = kernelCameraPosition(camera);
    const distance = Math.hypot(...c) * rng.range(POINT_LIGHT_DISTANCE[0], POINT_LIGHT_DISTANCE[1]);
    const d = c.map((v) => v / Math.hypot(...c) + POINT_LIGHT_JITTER * rng.normal());
    const n = Math.hypot(d[0]!, d[1]!, d[2]!);
    return { ambient: SHADING.ambient, diffuse: SHADING.diffuse, position: [(distance * d[0]!) / n, (distance * d[1]!) / n, (distance * d[2]!) / n] };
  });
}

/**
 * The shade factor ambient + diffuse·max(0, n̂·l) at point p with unit normal n̂, and (when `grad` is given) its
 * gradients to n̂ and, for a point light (l = (L − p)/‖L − p‖), to p: written into grad[0 … 5].
 */
export function shadeAt(light: ViewLight, px: number, py: number, pz: number, nx: number, ny: number, nz: number, grad?: Float64Array): number {
  let lx: number, ly: number, lz: number, inverseDistance = 0;
  if (light.position) {
    lx = light.position[0] - px;
    ly = light.position[1] - py;
    lz = light.position[2] - pz;
    inverseDistance = 1 / Math.hypot(lx, ly, lz);
    lx *= inverseDistance;
    ly *= inverseDistance;
    lz *= inverseDistance;
  } else [lx, ly, lz] = light.direction!;
  const cos = nx * lx + ny * ly + nz * lz;
  if (grad) {
    grad.fill(0);
    if (cos > 0) {
      grad[0] = light.diffuse * lx;
      grad[1] = light.diffuse * ly;
      grad[2] = light.diffuse * lz;
      // ∂l/∂p = −(I − l lᵀ)/‖L − p‖, so ∂(n̂·l)/∂p = −(n̂ − (n̂·l)·l)/‖L − p‖.
      const k = -light.diffuse * inverseDistance;
      grad[3] = k * (nx - cos * lx);
      grad[4] = k * (ny - cos * ly);
      grad[5] = k * (nz - cos * lz);
    }
  }
  return light.ambient + light.diffuse * Math.max(0, cos);
}
