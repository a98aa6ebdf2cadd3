import type { Command } from '../command';
import { benchCommand } from './bench';
import { branchCommand } from './branch';
import { doctorCommand } from './doctor';
import { engineRunCommand } from './engine-run';
import { exportCommand } from './export';
import { generateCommand } from './generate';
import { modelsCommand } from './models';
import { projectsCommand } from './projects';
import { resumeCommand } from './resume';
import { runsCommand } from './runs';
import { serveCommand } from './serve';
import { workerCommand } from './worker';

/** Every `kiln` command, registered in one place. */
export const COMMANDS: readonly Command[] = [
  generateCommand,
  runsCommand,
  resumeCommand,
  branchCommand,
  exportCommand,
  serveCommand,
  workerCommand,
  projectsCommand,
  doctorCommand,
  benchCommand,
  modelsCommand,
  engineRunCommand,
];
