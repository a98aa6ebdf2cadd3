import { KilnError } from '../../shared/errors';
import type { Run, RunPlace } from '../../shared/runs';
import { storeReferenceImage } from '../pipeline/reference-intake';
import { assertResumable, createBranch, createRun, liveStatus } from '../pipeline/run-control';
import type { KilnStore } from '../store/kiln-store';
import type { RunRecord } from '../store/run-repository';
import { cancelRun } from './cancel-run';
import type { EngineHandle, EngineLauncher, EngineMessage } from './engine-launcher';
import type { EventBus } from './event-bus';
import { toWireRun } from './wire';

/**
 * Starts, stops and watches engine processes for the StudioApi, turning their messages into events. With a farm,
 * new runs, branches and resumes go to it unless a start asks for this machine.
 */
export class RunHost {
  private readonly active = new Map<string, { handle: EngineHandle; launcher: EngineLauncher }>();

  constructor(
    private readonly store: KilnStore,
    private readonly events: EventBus,
    private readonly local: EngineLauncher | undefined,
    private readonly farm?: EngineLauncher,
  ) {}

  get hasFarm(): boolean {
    return this.farm !== undefined;
  }

  /** Records and launches a run; a reference image is checked and stored first (storeReferenceImage). */
  async start(projectId: string, request: Record<string, unknown>, name?: string, runOn?: RunPlace): Promise<Run> {
    this.store.projects.get(projectId);
    if (runOn === 'farm' && !this.farm) throw new KilnError('invalid-request', 'this studio has no farm; start it with "kiln serve --farm redis://HOST:PORT", or run on this machine');
    const stored = await storeReferenceImage(this.store.blobs, request);
    return this.launch(createRun(this.store.runs, projectId, stored.request, name), runOn === 'this-machine' ? this.local : undefined);
  }

  async branch(runId: string, iteration: number, overrides: Record<string, unknown>, name?: string): Promise<Run> {
    this.store.runs.getRun(runId);
    const stored = await storeReferenceImage(this.store.blobs, overrides);
    return this.launch(createBranch(this.store.runs, runId, iteration, stored.request, name));
  }

  resume(runId: string): Run {
    const run = this.store.runs.getRun(runId);
    if (this.active.has(runId)) throw new KilnError('conflict', `run ${runId.slice(0, 8)} is already running`);
    assertResumable(run);
    return this.launch(run);
  }

  /**
   * Stops a run this host is running (after the current iteration, with a snapshot). Cancel also ends a run that is
   * not running here in any state, as `kiln runs cancel` does: one whose process is gone, or another process's.
   */
  async stop(runId: string, mode: 'cancel' | 'pause'): Promise<Run> {
    const handle = this.active.get(runId)?.handle;
    const run = this.store.runs.getRun(runId);
    if (handle) {
      handle.stop(mode);
      return toWireRun(run);
    }
    if (mode === 'pause') throw new KilnError('conflict', `run ${runId.slice(0, 8)} is not running here (it is ${liveStatus(run)}); only a running run can pause`);
    const cancelled = await cancelRun(this.store, runId);
    if (cancelled.status !== run.status) this.events.emit({ type: 'run.finished', run: toWireRun(cancelled) });
    return toWireRun(cancelled);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Asks every engine to pause (resumable) and waits for them to exit; a farm's runs go on on their workers. */
  async shutdown(): Promise<void> {
    const handles = [...this.active.values()].filter((a) => !a.launcher.runsOutliveHost).map((a) => a.handle);
    for (const h of handles) h.stop('pause');
    await Promise.all(handles.map((h) => h.exited));
    await Promise.all([this.local?.close?.(), this.farm?.close?.()]);
  }

  /**
   * The engine died without reporting (crash, kill, failed start): record why, so the UI shows it. Runs in an exit
   * callback, so it never throws: a run row that vanished meanwhile (deleted by an older Kiln or by hand) is logged.
   */
  private recordUnreportedEnd(runId: string, detail: string): void {
    try {
      const current = this.store.runs.getRun(runId);
      const after = current.status === 'running' ? this.store.runs.setStatus(runId, 'interrupted', { error: detail }) : current;
      this.events.emit({ type: 'run.finished', run: toWireRun(after) });
    } catch (err) {
      console.error(`[kiln] run ${runId.slice(0, 8)} ended (${detail}) but could not be recorded: ${(err as Error).message}`);
    }
  }

  private launch(run: RunRecord, chosen?: EngineLauncher): Run {
    const launcher = chosen ?? this.farm ?? this.local;
    if (!launcher) throw new KilnError('internal', 'this studio was started without an engine; runs cannot start here');
    let finished = false;
    const onMessage = (m: EngineMessage) => {
      if (m.type === 'started') this.events.emit({ type: 'run.started', run: m.run });
      else if (m.type === 'progress') this.events.emit({ type: 'run.progress', progress: m.progress });
      else if (m.type === 'snapshot') this.events.emit({ type: 'run.snapshot', snapshot: m.snapshot });
      else if (m.type === 'splats') {
        const { type: _, ...live } = m;
        this.events.emit({ type: 'run.splats', ...live });
      } else if (m.type === 'mesh') {
        const { type: _, ...live } = m;
        this.events.emit({ type: 'run.mesh', ...live });
      } else {
        finished = true;
        this.events.emit({ type: 'run.finished', run: m.run });
      }
    };
    const handle = launcher.launch(this.store.home, run.id, onMessage);
    this.active.set(run.id, { handle, launcher });
    void handle.exited.then(({ detail }) => {
      this.active.delete(run.id);
      if (!finished) this.recordUnreportedEnd(run.id, detail);
    });
    const wire = toWireRun(run);
    this.events.emit({ type: 'run.started', run: wire });
    return wire;
  }
}
