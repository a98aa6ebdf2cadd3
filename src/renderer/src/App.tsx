import { useStudioEvents } from './api/context';
import { ProjectBrowser } from './components/ProjectBrowser';
import { SidePanel } from './components/SidePanel';
import { StatusBar } from './components/StatusBar';
import { MethodsProvider } from './components/methods/methods-context';
import { TimelinePanel } from './components/TimelinePanel';
import { SelectedRunTimelineProvider } from './components/timeline/selected-run-timeline';
import { Viewport } from './components/Viewport';
import { PayloadCacheProvider } from './components/viewport/payload-cache-context';
import { useStudioSelection } from './state/studio-selection';
import './components/studio-views.css';

export function App() {
  const { project, setProject } = useStudioSelection();

  useStudioEvents((event) => {
    if (event.type === 'project.deleted' && event.projectId === project?.id) setProject(null);
    if (event.type === 'project.renamed' && event.project.id === project?.id) setProject(event.project);
  });

  return (
    <PayloadCacheProvider>
      <MethodsProvider>
        <SelectedRunTimelineProvider>
          <div className="studio">
            <header className="studio-header">
              <span className="brand" aria-hidden="true">
                Kiln
              </span>
              <h1 className="project-title">{project ? project.name : 'No project open'}</h1>
            </header>
            <ProjectBrowser openProjectId={project?.id ?? null} onOpened={setProject} />
            <main className="viewport-area" aria-label="Viewport">
              <Viewport />
            </main>
            <SidePanel />
            <TimelinePanel />
            <StatusBar />
          </div>
        </SelectedRunTimelineProvider>
      </MethodsProvider>
    </PayloadCacheProvider>
  );
}
