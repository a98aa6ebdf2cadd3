import { z } from 'zod';
import { KilnError } from '../../../shared/errors';
import { formatZodIssues } from '../../../shared/zod-issues';
import { MeshExportSettings } from '../../export/mesh/mesh-export-settings';

/** The tetrahedral grid resolutions Kiln builds (cells along each side of the generation volume's box). */
export const TET_GRID_RESOLUTIONS = [32, 64, 128] as const;
export type TetGridResolution = (typeof TET_GRID_RESOLUTIONS)[number];

export function isTetGridResolution(r: number): r is TetGridResolution {
  return (TET_GRID_RESOLUTIONS as readonly number[]).includes(r);
}

/** The GLB exporter's defaults, which the mesh stage's initialisation follows. */
export const EXPORTER_DEFAULTS = MeshExportSettings.parse({});

const resolutionMessage = (what: string) => `${what} must be one of ${TET_GRID_RESOLUTIONS.join(', ')}`;

/** A linearly scheduled weight: `start` at the beginning of the stage, `end` at its last iteration. */
const Ramp = z.object({ start: z.number().min(0), end: z.number().min(0) }).strict();
export type Ramp = z.infer<typeof Ramp>;

/** Settings of the DMTet geometry and appearance (the mesh stage's representation). */
export const DmtetSettings = z
  .object({
    /** Tet grid cells along each side of the [−1, 1]³ box around the generation ball. */
    gridResolution: z
      .number()
      .int()
      .refine(isTetGridResolution, resolutionMessage('the tet grid resolution'))
      .default(64),
    /**
     * Largest vertex offset as a fraction c of one grid cell: Δv = c·cell·tanh(δ). threestudio bounds the offset by
     * one step of its (coarser) Quartet grid; half a cell of Kiln's finer lattice lets the surface slide between
     * lattice planes while few tetrahedra turn inside out.
     */
    deformationScale: z.number().positive().max(1).default(0.5),
    /** Nodes along each side of the albedo voxel grid over the same box (trilinear, 3 channels). */
    colourResolution: z.number().int().min(8).max(256).default(64),
    /**
     * Density at which the initial surface is drawn from the Gaussians (summed opacity). The default is the GLB
     * exporter's isoLevel, so the stage starts from the surface a splats-only export would have; "auto" is
     * threestudio's create_from, the mean of the positive density, which sits deeper inside solid clusters of splats.
     */
    initThreshold: z.union([z.literal('auto'), z.number().positive()]).default(EXPORTER_DEFAULTS.isoLevel),
    /**
     * Where a stage after Gaussians takes its starting surface: the splats' density at initThreshold, or the visual
     * hull of what they show (initialise-from-silhouettes.ts), which keeps the parts a semi-transparent cloud of
     * splats draws without the density to reach the iso-level (docs/bench/readme-glb.md).
     */
    initSurface: z.enum(['density', 'visual-hull']).default('density'),
    /** The splats' alpha at which a silhouette pixel counts as the object's (visual-hull start). */
    hullAlphaThreshold: z.number().gt(0).max(1).default(0.5),
    /**
     * Uniform Laplacian mean‖L·V‖² on the extracted mesh. DTC123 and Magic123 weight their Laplacian term 0.1; Kiln
     * squares the norm (see regularisers.ts), which is smaller for the sub-cell offsets of a DMTet mesh, so the same
     * 0.1 is a gentler pull.
     */
    laplacianWeight: z.number().min(0).default(0.1),
    /** Normal consistency, mean(1 − cos) over adjacent faces: threestudio Magic3D-refine uses 10 000, Magic123 0.1. */
    normalConsistencyWeight: z.number().min(0).default(0.1),
    /** SDF sign-flip BCE across tet edges, falling linearly over the stage (nvdiffrec: 0.2 → 0.01). */
    sdfBceWeight: Ramp.default({ start: 0.2, end: 0.01 }),
  })
  .strict();
export type DmtetSettings = z.infer<typeof DmtetSettings>;

/** Parses user-supplied DMTet settings; a bad value is an `invalid-request` KilnError naming the field. */
export function parseDmtetSettings(raw: unknown): DmtetSettings {
  const parsed = DmtetSettings.safeParse(raw ?? {});
  if (!parsed.success) throw new KilnError('invalid-request', `invalid DMTet settings: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** The weight of a ramp at `progress` ∈ [0, 1] through the stage. */
export function rampWeight(ramp: Ramp, progress: number): number {
  const t = Math.min(1, Math.max(0, progress));
  return ramp.start + (ramp.end - ramp.start) * t;
}

/** Checks a resolution that did not come through the schema (a cache or a caller); the error says what is allowed. */
export function assertTetGridResolution(r: number): asserts r is TetGridResolution {
  if (!isTetGridResolution(r)) throw new KilnError('invalid-request', `${resolutionMessage('the tet grid resolution')} (got ${r})`);
}
