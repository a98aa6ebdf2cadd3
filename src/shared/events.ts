import { z } from 'zod';
import { Project, ProjectId } from './projects';
import { Run, RunId, RunProgress, Snapshot } from './runs';

/** Everything the engine pushes to clients; one stream per client, same on IPC and WebSocket. */
export const StudioEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project.created'), project: Project }),
  z.object({ type: z.literal('project.renamed'), project: Project }),
  z.object({ type: z.literal('project.opened'), project: Project }),
  z.object({ type: z.literal('project.deleted'), projectId: ProjectId }),
  z.object({ type: z.literal('run.started'), run: Run }),
  z.object({ type: z.literal('run.progress'), progress: RunProgress }),
  z.object({ type: z.literal('run.snapshot'), snapshot: Snapshot }),
  /**
   * The live Gaussians while a run trains (throttled, about once a second), so the viewport moves between
   * snapshots. The payload is compact Gaussians (shared/compact-gaussians) in base64. Decode with
   * `decodeLiveSplats` (renderer/src/api/snapshot-payload.ts).
   */
  z.object({
    type: z.literal('run.splats'),
    runId: RunId,
    iteration: z.number().int(),
    gaussians: z.number().int(),
    payloadBase64: z.string(),
  }),
  /**
   * The live mesh while a mesh stage trains (throttled like `run.splats`): a mesh snapshot payload
   * (shared/mesh/mesh-snapshot-payload.ts: positions, triangles, per-vertex albedo) in base64, `faces` triangles.
   * Decode with `decodeLiveMesh` (renderer/src/api/snapshot-payload.ts).
   */
  z.object({
    type: z.literal('run.mesh'),
    runId: RunId,
    iteration: z.number().int(),
    /** The run's stage (index into config.stages) the mesh belongs to. */
    stage: z.number().int().min(0),
    faces: z.number().int(),
    payloadBase64: z.string(),
  }),
  /** Completed, cancelled, paused or failed (then `run.error` says why). */
  z.object({ type: z.literal('run.finished'), run: Run }),
]);
export type StudioEvent = z.infer<typeof StudioEvent>;
export type StudioEventType = StudioEvent['type'];
