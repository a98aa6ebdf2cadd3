import { REPRESENTATION_NAMES, type RepresentationName, type Run, type Snapshot } from '../../../../shared/runs';

/** How the studio names each representation a stage optimises, and what its snapshots count. */
export const STAGE_TITLES: Record<RepresentationName, string> = { gaussians: 'Gaussians', dmtet: 'DMTet mesh' };
export const STAGE_PRIMITIVES: Record<RepresentationName, string> = { gaussians: 'Gaussians', dmtet: 'faces' };

/** The representations of a run's stages, in order, from its resolved configuration (unknown ones are skipped). */
export function runStages(run: Run): RepresentationName[] {
  const stages = Array.isArray(run.config.stages) ? (run.config.stages as { representation?: unknown }[]) : [];
  return stages.flatMap((s) => ((REPRESENTATION_NAMES as readonly unknown[]).includes(s.representation) ? [s.representation as RepresentationName] : []));
}

/** The method guiding each of a run's stages (a DMTet stage after VDM's Gaussians is guided by SDS: presets.ts). */
export function runStageMethods(run: Run): string[] {
  const stages = Array.isArray(run.config.stages) ? (run.config.stages as { method?: unknown }[]) : [];
  return stages.map((s) => (typeof s.method === 'string' ? s.method : run.method));
}

/** A stage boundary on the timeline: the first snapshot of a stage after the first. */
export interface StageBoundary {
  /** Index of the stage's first snapshot in the (iteration-ordered) list. */
  index: number;
  stage: number;
  iteration: number;
}

/** Where the stage changes between neighbouring snapshots. */
export function stageBoundaries(snapshots: readonly Snapshot[]): StageBoundary[] {
  const marks: StageBoundary[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const s = snapshots[i]!;
    if (s.stage !== snapshots[i - 1]!.stage) marks.push({ index: i, stage: s.stage, iteration: s.iteration });
  }
  return marks;
}

/** "DMTet mesh (stage 2 of 2)"; the title alone for a one-stage run. */
export function stageLabel(stages: readonly RepresentationName[], index: number): string {
  const representation = stages[index];
  const title = representation ? STAGE_TITLES[representation] : `stage ${index + 1}`;
  return stages.length > 1 ? `${title} (stage ${index + 1} of ${stages.length})` : title;
}
