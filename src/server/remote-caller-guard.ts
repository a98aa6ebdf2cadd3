import { KilnError } from '../shared/errors';

/**
 * What a caller on another machine may not do: name file-system paths. Kiln then validates and reads whatever
 * folder was named, which tells the caller which paths exist and registers arbitrary folders. So models are added
 * from the studio's own machine, and a remote request's model must be a built-in prior or an already registered pack.
 */
export function assertRemoteMayCall(method: string, body: unknown, isKnownModel: (id: string) => boolean): void {
  if (method === 'models.add') {
    throw new KilnError('forbidden', "model packs are added on the studio's own machine (open the studio there, or use the desktop app); a remote studio can use the packs already added");
  }
  const request = (body ?? {}) as Record<string, unknown>;
  const nested = (key: string) => (request[key] && typeof request[key] === 'object' ? (request[key] as Record<string, unknown>).model : undefined);
  const model = method === 'prompts.check' || method === 'references.preview' ? request.model : method === 'runs.start' ? nested('request') : method === 'runs.branch' ? nested('overrides') : undefined;
  if (typeof model === 'string' && !isKnownModel(model)) {
    throw new KilnError('forbidden', `from another machine, a model must be one of the studio's models (models.list), not a folder path`);
  }
}
