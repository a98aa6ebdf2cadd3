/**
 * Performance marks along the path from a new payload to its pixels, so a trace (and the browser benchmark) can split
 * the latency of a timeline input into stages: payload ready → SplatMesh in the scene → sorted by Spark → drawn.
 */
export const SPLAT_MARKS = {
  /** The decoded, packed payload reached the splat layer (a cache hit makes this immediate). */
  ready: 'kiln:splats-ready',
  /** Its SplatMesh is in the scene; the next frame makes Spark generate and sort it. */
  mounted: 'kiln:splats-mounted',
  /** Spark finished sorting with it and asked for the frame that draws it. */
  sorted: 'kiln:splats-sorted',
} as const;

export function markSplats(stage: keyof typeof SPLAT_MARKS): void {
  performance.mark(SPLAT_MARKS[stage]);
}
