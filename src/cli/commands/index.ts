import type { Command } from '../command';
import { benchCommand } from './bench';
import { modelsCommand } from './models';
import { projectsCommand } from './projects';
import { serveCommand } from './serve';

/** Every `kiln` command, registered in one place. */
export const COMMANDS: readonly Command[] = [serveCommand, projectsCommand, benchCommand, modelsCommand];
