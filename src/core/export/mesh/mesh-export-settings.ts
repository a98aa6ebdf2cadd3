import { z } from 'zod';

/** The pivot the exported mesh is placed around: the bottom centre of its bounds (game engines), their centre, or the world origin as generated. */
export const MESH_PIVOTS = ['bottom-centre', 'centre', 'origin'] as const;
export type MeshPivot = (typeof MESH_PIVOTS)[number];

/** Options of the Gaussians → textured mesh export (GLB). */
export const MeshExportSettings = z
  .object({
    /**
     * Most triangles after simplification (meshoptimizer); a simple shape gets fewer, as detail under a quarter grid
     * cell is always simplified away. The unwrapper takes at most 65 535 vertices, so ≤ 100 000.
     */
    targetTriangles: z.number().int().min(100).max(100_000).default(20_000),
    /** Width and height of the baked base-colour texture in pixels, a power of two. */
    textureSize: z
      .number()
      .int()
      .min(64)
      .max(4096)
      .refine((n) => (n & (n - 1)) === 0, 'textureSize must be a power of two (64 … 4096)')
      .default(1024),
    /** Uniform scale applied to the exported mesh (Kiln's world is in metres; 1 keeps it). */
    scale: z.number().positive().default(1),
    /** Where the mesh's origin goes: bottom-centre of the bounds (default, what engines expect), centre, or origin. */
    pivot: z.enum(MESH_PIVOTS).default('bottom-centre'),
    /** Grid cells along the longest side of the object for the density field; more is finer and slower. */
    gridResolution: z.number().int().min(16).max(512).default(160),
    /**
     * Density at which the surface is drawn, in units of summed Gaussian opacity (Σ σ(o)·exp(−½dᵀΣ⁻¹d)): 0.5 is
     * where a single opaque Gaussian is half-way down, or where overlapping faint ones add up to that.
     */
    isoLevel: z.number().positive().default(0.5),
    /**
     * Widest hole in the splats' skin, as a fraction of the object's size, that is closed rather than meshed through
     * (a hole would expose the hollow inside as a second, inward-facing wall). Concave gaps narrower than this are
     * filled as well; 0 closes only fully enclosed voids.
     */
    holeClosing: z.number().min(0).max(0.3).default(0.12),
  })
  .strict();
export type MeshExportSettings = z.infer<typeof MeshExportSettings>;
