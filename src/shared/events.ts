import { z } from 'zod';
import { Project, ProjectId } from './projects';

/** Everything the engine pushes to clients; one stream per client, same on IPC and WebSocket. */
export const StudioEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('project.created'), project: Project }),
  z.object({ type: z.literal('project.renamed'), project: Project }),
  z.object({ type: z.literal('project.opened'), project: Project }),
  z.object({ type: z.literal('project.deleted'), projectId: ProjectId }),
]);
export type StudioEvent = z.infer<typeof StudioEvent>;
export type StudioEventType = StudioEvent['type'];
