import { useCallback, useEffect, useState } from 'react';
import type { Project } from '../../../shared/projects';
import { useStudioApi, useStudioEvents } from '../api/context';
import { ConfirmDialog } from './ConfirmDialog';
import { ProjectRow } from './ProjectRow';
import { TextEntryForm } from './TextEntryForm';
import { useAsyncAction } from './useAsyncAction';

interface ProjectBrowserProps {
  openProjectId: string | null;
  onOpened: (project: Project) => void;
}

export function ProjectBrowser({ openProjectId, onOpened }: ProjectBrowserProps) {
  const api = useStudioApi();
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [pendingDelete, setPendingDelete] = useState<Project | null>(null);
  const { busy, error, run } = useAsyncAction();

  const refresh = useCallback(() => run(async () => setProjects(await api.call('projects.list', {}))), [api, run]);
  useEffect(() => void refresh(), [refresh]);
  useStudioEvents((event) => {
    if (event.type.startsWith('project.')) void refresh();
  });

  async function create(name: string): Promise<boolean> {
    const created = await run(() => api.call('projects.create', { name }));
    if (!created) return false;
    const opened = await run(() => api.call('projects.open', { id: created.id }));
    if (opened) onOpened(opened);
    return true;
  }

  async function open(project: Project) {
    const opened = await run(() => api.call('projects.open', { id: project.id }));
    if (opened) onOpened(opened);
  }

  async function confirmDelete() {
    const target = pendingDelete;
    setPendingDelete(null);
    if (target) await run(() => api.call('projects.delete', { id: target.id }));
  }

  return (
    <nav className="project-browser" aria-label="Projects">
      <h2>Projects</h2>
      <TextEntryForm className="create-project" label="New project name" submitLabel="Create project" maxLength={120} busy={busy} onSubmit={create} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {projects === null ? (
        <p className="muted">Loading projects…</p>
      ) : projects.length === 0 ? (
        <p className="muted">No projects yet. Name one above to start.</p>
      ) : (
        <ul className="project-list" aria-label="Project list">
          {projects.map((project) => (
            <ProjectRow
              key={project.id}
              project={project}
              isOpen={project.id === openProjectId}
              onOpen={() => void open(project)}
              onRename={(name) => run(() => api.call('projects.rename', { id: project.id, name }))}
              onDelete={() => setPendingDelete(project)}
            />
          ))}
        </ul>
      )}
      {pendingDelete && (
        <ConfirmDialog
          title={`Delete project “${pendingDelete.name}”?`}
          message="The project and everything in it will be removed from this Kiln home. This cannot be undone."
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete()}
          onCancel={() => setPendingDelete(null)}
        />
      )}
    </nav>
  );
}
