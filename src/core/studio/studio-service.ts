import { previewReference } from './reference-preview';
import { KilnError } from '../../shared/errors';
import type { StudioHandlers } from '../../shared/studio-api';
import { collectEngineInfo } from '../engine/engine-info';
import type { OpenDatabaseOptions } from '../store/database';
import { openKilnStore, type KilnStore } from '../store/kiln-store';
import type { ProjectRepository } from '../store/project-repository';
import type { EngineLauncher } from './engine-launcher';
import { listExportFormats, listMethods } from './catalog';
import { deleteProject } from './delete-project';
import { EventBus } from './event-bus';
import { ModelRegistry } from './model-registry';
import { PromptChecker } from './prompt-checker';
import { exportRunToBlob } from './run-export';
import { RunHost } from './run-host';
import { toWireRun, toWireSnapshot } from './wire';

/**
 * The engine behind the StudioApi: one per Kiln home. Transports (Electron IPC, `kiln serve`) call `handlers`
 * through the shared `dispatch`, which has validated every request by then, and forward `events` to clients.
 */
export class StudioService {
  readonly events = new EventBus();
  readonly projects: ProjectRepository;
  readonly handlers: StudioHandlers;
  readonly store: KilnStore;
  readonly runs: RunHost;
  readonly models: ModelRegistry;
  readonly prompts: PromptChecker;

  constructor(
    readonly home: string,
    options: OpenDatabaseOptions = {},
    /** Where runs execute; without one the service serves projects and history but cannot start runs. */
    launcher?: EngineLauncher,
    /** A farm (`kiln serve --farm`), made from the service's store: new runs go there unless asked otherwise. */
    farm?: (store: KilnStore) => EngineLauncher,
  ) {
    this.store = openKilnStore(home, options);
    this.projects = this.store.projects;
    this.runs = new RunHost(this.store, this.events, launcher, farm?.(this.store));
    this.models = new ModelRegistry(this.store.db);
    this.prompts = new PromptChecker();
    const runs = this.store.runs;
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
        deleteProject(this.store, id, (runId) => this.runs.isActive(runId));
        this.events.emit({ type: 'project.deleted', projectId: id });
        return { id };
      },
      'projects.open': ({ id }) => {
        const project = this.projects.markOpened(id);
        this.events.emit({ type: 'project.opened', project });
        return project;
      },
      'engine.info': () => collectEngineInfo(this.home, this.runs.hasFarm),
      'runs.list': ({ projectId }) => {
        this.projects.get(projectId);
        return runs.listRuns(projectId).map(toWireRun);
      },
      'runs.get': ({ runId }) => toWireRun(runs.getRun(runId)),
      'runs.start': ({ projectId, request, name, runOn }) => this.runs.start(projectId, request, name, runOn),
      'runs.stop': ({ runId, mode }) => this.runs.stop(runId, mode),
      'runs.resume': ({ runId }) => this.runs.resume(runId),
      'runs.timeline': ({ runId }) => {
        runs.getRun(runId);
        return runs.listSnapshots(runId).map(toWireSnapshot);
      },
      'runs.branch': ({ runId, iteration, overrides, name }) => this.runs.branch(runId, iteration, overrides, name),
      'methods.list': () => listMethods(),
      'prompts.check': (request) => this.prompts.check(request),
      'references.preview': (request) => previewReference(request),
      'models.list': () => this.models.list(),
      'models.add': ({ path }) => this.models.add(path),
      'models.addFromDialog': () => {
        throw new KilnError('invalid-request', "models.addFromDialog needs the desktop app's folder dialog; in the browser use models.add with the folder's path");
      },
      'models.remove': ({ id }) => this.models.remove(id),
      'exports.formats': () => listExportFormats(),
      'snapshots.payload': ({ blob }) => this.readPayload(blob),
      'runs.export': (request) => exportRunToBlob(this.store, request),
      'runs.exportToFile': () => {
        throw new KilnError('invalid-request', 'runs.exportToFile needs the desktop app\'s save dialog; in the browser use runs.export and download the file');
      },
    };
  }

  /** A payload a snapshot or an export refers to; other files under blobs/ are not served. */
  readPayload(blob: string): Uint8Array {
    if (!this.store.runs.isBlobReferenced(blob) || !this.store.blobs.has(blob)) {
      throw new KilnError('not-found', `no snapshot payload ${blob.slice(0, 12)}…; its run may have been deleted`);
    }
    return this.store.blobs.read(blob);
  }

  /** Pauses running engines (they stay resumable), waits for them, then closes the database. */
  async shutdown(): Promise<void> {
    await this.runs.shutdown();
    this.close();
  }

  close(): void {
    this.store.close();
  }
}
