import type { Database } from 'better-sqlite3';
import type { StudioHandlers } from '../../shared/studio-api';
import { collectEngineInfo } from '../engine/engine-info';
import { databasePath } from '../store/kiln-home';
import { openDatabase, type OpenDatabaseOptions } from '../store/database';
import { ProjectRepository } from '../store/project-repository';
import { EventBus } from './event-bus';

/**
 * The engine behind the StudioApi: one per Kiln home. Transports (Electron IPC, `kiln serve`) call `handlers`
 * through the shared `dispatch`, which has validated every request by then, and forward `events` to clients.
 */
export class StudioService {
  readonly events = new EventBus();
  readonly projects: ProjectRepository;
  readonly handlers: StudioHandlers;
  private readonly db: Database;

  constructor(
    readonly home: string,
    options: OpenDatabaseOptions = {},
  ) {
    this.db = openDatabase(databasePath(home), options);
    this.projects = new ProjectRepository(this.db);
    this.handlers = {
      'projects.list': () => this.projects.list(),
      'projects.create': ({ name }) => {
        const project = this.projects.create(name);
        this.events.emit({ type: 'project.created', project });
        return project;
      },
      'projects.rename': ({ id, name }) => {
        const project = this.projects.rename(id, name);
        this.events.emit({ type: 'project.renamed', project });
        return project;
      },
      'projects.delete': ({ id }) => {
        this.projects.delete(id);
        this.events.emit({ type: 'project.deleted', projectId: id });
        return { id };
      },
      'projects.open': ({ id }) => {
        const project = this.projects.markOpened(id);
        this.events.emit({ type: 'project.opened', project });
        return project;
      },
      'engine.info': () => collectEngineInfo(this.home),
    };
  }

  close(): void {
    this.db.close();
  }
}
