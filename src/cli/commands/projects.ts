import type { Project } from '../../shared/projects';
import { KilnError } from '../../shared/errors';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { StudioService } from '../../core/studio/studio-service';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';
import { validProjectName } from '../run-options';

function formatTable(projects: Project[]): string {
  if (projects.length === 0) return 'No projects yet. Create one with: kiln projects create NAME\n';
  const width = Math.max(4, ...projects.map((p) => p.name.length));
  const lines = projects.map((p) => `${p.name.padEnd(width)}  ${p.updatedAt}  ${p.id}`);
  return [`${'NAME'.padEnd(width)}  ${'UPDATED'.padEnd(24)}  ID`, ...lines].join('\n') + '\n';
}

function byName(service: StudioService, name: string | undefined): Project {
  const project = name === undefined ? undefined : service.projects.findByName(name);
  if (!project) throw new KilnError('not-found', `no project named "${name ?? ''}"; list them with: kiln projects`);
  return project;
}

export const projectsCommand: Command = {
  name: 'projects',
  summary: 'List, create, rename or delete projects.',
  usage: `kiln projects [list] [--json] [--home DIR]
       kiln projects create NAME [--json]
       kiln projects rename NAME NEW_NAME [--json]
       kiln projects delete NAME`,
  options: { ...HOME_OPTION, ...JSON_OPTION },
  async run({ values, positionals }, io) {
    const service = new StudioService(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const [action = 'list', a, b] = positionals;
      const print = (project: Project, verb: string) =>
        io.out(values.json ? JSON.stringify(project) + '\n' : `${verb} project "${project.name}" (${project.id})\n`);
      switch (action) {
        case 'list': {
          const projects = service.projects.list();
          io.out(values.json ? JSON.stringify(projects, null, 2) + '\n' : formatTable(projects));
          return 0;
        }
        case 'create':
          print(await service.handlers['projects.create']({ name: validProjectName(a) }), 'Created');
          return 0;
        case 'rename':
          print(await service.handlers['projects.rename']({ id: byName(service, a).id, name: validProjectName(b) }), 'Renamed');
          return 0;
        case 'delete': {
          const project = byName(service, a);
          await service.handlers['projects.delete']({ id: project.id });
          io.out(values.json ? JSON.stringify({ id: project.id }) + '\n' : `Deleted project "${project.name}"\n`);
          return 0;
        }
        default:
          io.err(`kiln projects: unknown action "${action}" (use list, create, rename or delete)\n`);
          return 2;
      }
    } finally {
      service.close();
    }
  },
};
