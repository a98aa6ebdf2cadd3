import { useState, type FormEvent } from 'react';
import type { Project } from '../../../shared/projects';
import { PencilIcon, TrashIcon } from './icons';

interface ProjectRowProps {
  project: Project;
  isOpen: boolean;
  onOpen: () => void;
  /** Resolves to a value when the rename succeeded, undefined when it failed (the browser shows why). */
  onRename: (name: string) => Promise<unknown>;
  onDelete: () => void;
}

export function ProjectRow({ project, isOpen, onOpen, onRename, onDelete }: ProjectRowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(project.name);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (draft.trim() === project.name) return setEditing(false);
    if ((await onRename(draft)) !== undefined) setEditing(false);
  }

  if (editing) {
    return (
      <li className="project-row editing">
        <form onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}>
          <input
            aria-label={`New name for ${project.name}`}
            value={draft}
            maxLength={120}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      </li>
    );
  }

  return (
    <li className={isOpen ? 'project-row open' : 'project-row'}>
      <button
        type="button"
        className="project-open"
        aria-current={isOpen ? 'true' : undefined}
        aria-label={`Open ${project.name}`}
        onClick={onOpen}
      >
        <span className="project-name" title={project.name}>
          {project.name}
        </span>
        <span className="project-date">{new Date(project.updatedAt).toLocaleDateString()}</span>
      </button>
      <button
        type="button"
        className="icon"
        aria-label={`Rename ${project.name}`}
        title="Rename"
        onClick={() => {
          setDraft(project.name);
          setEditing(true);
        }}
      >
        <PencilIcon />
      </button>
      <button type="button" className="icon" aria-label={`Delete ${project.name}`} title="Delete" onClick={onDelete}>
        <TrashIcon />
      </button>
    </li>
  );
}
