import { useState } from 'react';
import type { Project } from '../../shared/projects';
import { useStudioEvents } from './api/context';
import { ProjectBrowser } from './components/ProjectBrowser';
import { SidePanel } from './components/SidePanel';
import { StatusBar } from './components/StatusBar';
import { TimelinePanel } from './components/TimelinePanel';
import { Viewport } from './components/Viewport';

export function App() {
  const [openProject, setOpenProject] = useState<Project | null>(null);

  useStudioEvents((event) => {
    if (event.type === 'project.deleted' && event.projectId === openProject?.id) setOpenProject(null);
    if (event.type === 'project.renamed' && event.project.id === openProject?.id) setOpenProject(event.project);
  });

  return (
    <div className="studio">
      <header className="studio-header">
        <span className="brand" aria-hidden="true">
          Kiln
        </span>
        <h1 className="project-title">{openProject ? openProject.name : 'No project open'}</h1>
      </header>
      <ProjectBrowser openProjectId={openProject?.id ?? null} onOpened={setOpenProject} />
      <main className="viewport-area" aria-label="Viewport">
        <Viewport />
      </main>
      <SidePanel project={openProject} />
      <TimelinePanel />
      <StatusBar />
    </div>
  );
}
