import type { Project } from '../../../shared/projects';

/** The right-hand panel. Generation (prompt, method, presets, settings) fills it in a later update; it says so. */
export function SidePanel({ project }: { project: Project | null }) {
  return (
    <aside className="side-panel" aria-label="Generate">
      <h2>Generate</h2>
      {project ? (
        <p className="muted">
          Project <strong>{project.name}</strong> is open. The prompt box, method picker (SDS, ISM, TSM, SDI, GE3D,
          VDM), presets, settings and seed will appear here once generation runs are available in Kiln.
        </p>
      ) : (
        <p className="muted">Open or create a project to start. Generation controls will appear here.</p>
      )}
    </aside>
  );
}
