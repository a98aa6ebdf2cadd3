import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/shared/dispatch';
import { KilnError } from '../../src/shared/errors';
import { PROJECT_NAME_MAX, type Project } from '../../src/shared/projects';
import { STUDIO_METHOD_NAMES, type StudioHandlers } from '../../src/shared/studio-api';
import { parseMethod, parseRequest } from '../../src/shared/validate';

/** Runs `fn`, which must throw, and returns the KilnError it threw. */
function thrownBy(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    return err as KilnError;
  }
  throw new Error('expected the call to throw a KilnError, but it returned normally');
}

const SAMPLE_PROJECT: Project = {
  id: '6f1c7a52-3c1b-4c55-9f62-0d3c2f8e4a11',
  name: 'sample',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  openedAt: null,
};

/** Handlers that record what reached them; the code under test is dispatch, not these. */
function recordingHandlers(): { handlers: StudioHandlers; calls: Array<{ method: string; request: unknown }> } {
  const calls: Array<{ method: string; request: unknown }> = [];
  const handlers: StudioHandlers = {
    'projects.list': (request) => {
      calls.push({ method: 'projects.list', request });
      return [];
    },
    'projects.create': (request) => {
      calls.push({ method: 'projects.create', request });
      return { ...SAMPLE_PROJECT, name: request.name };
    },
    'projects.rename': (request) => {
      calls.push({ method: 'projects.rename', request });
      return { ...SAMPLE_PROJECT, id: request.id, name: request.name };
    },
    'projects.delete': (request) => {
      calls.push({ method: 'projects.delete', request });
      return { id: request.id };
    },
    'projects.open': (request) => {
      calls.push({ method: 'projects.open', request });
      return SAMPLE_PROJECT;
    },
    'engine.info': (request) => {
      calls.push({ method: 'engine.info', request });
      throw new KilnError('internal', 'not used in these tests');
    },
    ...Object.fromEntries(
      (
        [
          'runs.list', 'runs.get', 'runs.start', 'runs.stop', 'runs.resume', 'runs.timeline', 'runs.branch', 'runs.export',
          'runs.exportToFile', 'methods.list', 'prompts.check', 'models.list', 'models.add', 'models.remove',
          'exports.formats', 'snapshots.payload', 'references.preview',
        ] as const
      ).map((method) => [
        method,
        (request: unknown) => {
          calls.push({ method, request });
          return [];
        },
      ]),
    ) as unknown as Omit<StudioHandlers, `projects.${string}` | 'engine.info'>,
  };
  return { handlers, calls };
}

describe('parseMethod', () => {
  it('accepts every method of the StudioApi contract', () => {
    for (const name of STUDIO_METHOD_NAMES) expect(parseMethod(name)).toBe(name);
  });

  it.each([['projects.explode'], [''], ['constructor'], ['toString'], ['__proto__'], [42], [null], [undefined], [{}]])(
    'rejects %j with unknown-method',
    (name) => {
      const err = thrownBy(() => parseMethod(name));
      expect(err.code).toBe('unknown-method');
      expect(err.message).toContain('unknown StudioApi method');
    },
  );

  it('names the rejected method in the message', () => {
    expect(thrownBy(() => parseMethod('projects.explode')).message).toContain('"projects.explode"');
  });
});

describe('parseRequest', () => {
  const malformedCreates: Array<[string, unknown, string]> = [
    ['a missing name', {}, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a whitespace-only name', { name: '   \t ' }, 'name'],
    ['a name longer than the limit', { name: 'x'.repeat(PROJECT_NAME_MAX + 1) }, 'name'],
    ['a name with a control character', { name: 'red\u0001cube' }, 'name'],
    ['a name with an embedded newline', { name: 'red\ncube' }, 'name'],
    ['a name with DEL', { name: 'red\u007fcube' }, 'name'],
    ['a non-string name', { name: 42 }, 'name'],
    ['an extra key', { name: 'ok', color: 'red' }, 'color'],
  ];

  it.each(malformedCreates)('rejects projects.create with %s, naming the method and the field', (_label, raw, field) => {
    const err = thrownBy(() => parseRequest('projects.create', raw));
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain('projects.create');
    expect(err.message).toContain(field);
  });

  it('says why a name is rejected', () => {
    expect(thrownBy(() => parseRequest('projects.create', { name: '' })).message).toContain('must not be empty');
    expect(thrownBy(() => parseRequest('projects.create', { name: 'x'.repeat(121) })).message).toContain(
      `at most ${PROJECT_NAME_MAX} characters`,
    );
    expect(thrownBy(() => parseRequest('projects.create', { name: 'a\u0002' })).message).toContain('control characters');
  });

  it.each([['a string', 'hello'], ['a number', 7], ['an array', [{ name: 'x' }]], ['a boolean', true]])(
    'rejects %s as the request body',
    (_label, raw) => {
      const err = thrownBy(() => parseRequest('projects.create', raw));
      expect(err.code).toBe('invalid-request');
      expect(err.message).toContain('projects.create');
      expect(err.message).toContain('request');
      expect(err.message).toMatch(/expected object/);
    },
  );

  it('rejects a non-UUID id, naming the method and the id field', () => {
    for (const method of ['projects.rename', 'projects.delete', 'projects.open'] as const) {
      const raw = method === 'projects.rename' ? { id: 'not-a-uuid', name: 'ok' } : { id: 'not-a-uuid' };
      const err = thrownBy(() => parseRequest(method, raw));
      expect(err.code).toBe('invalid-request');
      expect(err.message).toContain(method);
      expect(err.message).toContain('id');
      expect(err.message).toContain('UUID');
    }
  });

  it('names every offending field when several are wrong', () => {
    const err = thrownBy(() => parseRequest('projects.rename', { id: 'nope', name: '' }));
    expect(err.message).toContain('id:');
    expect(err.message).toContain('name:');
  });

  it('rejects extra keys on methods without parameters', () => {
    const err = thrownBy(() => parseRequest('projects.list', { limit: 10 }));
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain('projects.list');
    expect(err.message).toContain('limit');
  });

  it('accepts the limit length exactly and trims surrounding whitespace', () => {
    const atLimit = 'y'.repeat(PROJECT_NAME_MAX);
    expect(parseRequest('projects.create', { name: atLimit })).toEqual({ name: atLimit });
    expect(parseRequest('projects.create', { name: '  A red cube \n' })).toEqual({ name: 'A red cube' });
  });

  it('treats a missing body as an empty object', () => {
    expect(parseRequest('projects.list', undefined)).toEqual({});
    expect(parseRequest('projects.list', null)).toEqual({});
  });
});

describe('dispatch', () => {
  it('never throws: malformed requests come back as {ok:false, error}', async () => {
    const { handlers, calls } = recordingHandlers();
    const outcome = await dispatch(handlers, 'projects.create', { name: '' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('invalid-request');
    expect(outcome.error.message).toContain('projects.create');
    expect(outcome.error.message).toContain('name');
    expect(Object.keys(outcome.error).sort()).toEqual(['code', 'message']);
    expect(calls).toEqual([]);
  });

  it('reports an unknown method as unknown-method without calling any handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const outcome = await dispatch(handlers, 'projects.explode', {});
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'unknown StudioApi method "projects.explode"' },
    });
    expect(calls).toEqual([]);
  });

  it('does not throw for a non-string method or a non-object body', async () => {
    const { handlers } = recordingHandlers();
    await expect(dispatch(handlers, 12, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    await expect(dispatch(handlers, 'projects.create', 'name=x')).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('hands the handler the parsed request (trimmed name, no extra work to do)', async () => {
    const { handlers, calls } = recordingHandlers();
    const outcome = await dispatch(handlers, 'projects.create', { name: '   Blue sphere  ' });
    expect(calls).toEqual([{ method: 'projects.create', request: { name: 'Blue sphere' } }]);
    expect(outcome).toEqual({ ok: true, result: { ...SAMPLE_PROJECT, name: 'Blue sphere' } });
  });

  it('passes a valid id through to the handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const id = randomUUID();
    const outcome = await dispatch(handlers, 'projects.delete', { id });
    expect(outcome).toEqual({ ok: true, result: { id } });
    expect(calls).toEqual([{ method: 'projects.delete', request: { id } }]);
  });

  it('turns a KilnError thrown by a handler into its wire form', async () => {
    const { handlers } = recordingHandlers();
    handlers['projects.open'] = () => {
      throw new KilnError('not-found', 'no project with that id');
    };
    await expect(dispatch(handlers, 'projects.open', { id: randomUUID() })).resolves.toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no project with that id' },
    });
  });

  it('turns an unexpected handler failure (sync or async) into an internal error', async () => {
    const { handlers } = recordingHandlers();
    handlers['projects.list'] = () => {
      throw new TypeError('boom');
    };
    const original = console.error;
    const logged: unknown[][] = [];
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      await expect(dispatch(handlers, 'projects.list', {})).resolves.toEqual({
        ok: false,
        error: { code: 'internal', message: 'boom' },
      });
      handlers['projects.list'] = () => Promise.reject(new Error('async boom'));
      await expect(dispatch(handlers, 'projects.list', {})).resolves.toEqual({
        ok: false,
        error: { code: 'internal', message: 'async boom' },
      });
    } finally {
      console.error = original;
    }
    expect(logged).toHaveLength(2);
  });
});

describe('the studio UI requests', () => {
  const hash = 'ab'.repeat(32);

  it('names a payload only by a 64-hex-digit hash', () => {
    expect(parseRequest('snapshots.payload', { blob: hash })).toEqual({ blob: hash });
    for (const blob of ['../kiln.db', hash.toUpperCase(), hash.slice(1), `${hash}0`, 42]) {
      const err = thrownBy(() => parseRequest('snapshots.payload', { blob }));
      expect(err.code).toBe('invalid-request');
      expect(err.message).toContain('blob');
    }
  });

  it('fills export defaults and refuses unknown keys and bad iterations', () => {
    const runId = randomUUID();
    expect(parseRequest('runs.export', { runId, format: 'ply' })).toEqual({ runId, format: 'ply', options: {} });
    expect(parseRequest('runs.exportToFile', { runId, format: ' glb ', iteration: 4 })).toEqual({ runId, format: 'glb', iteration: 4, options: {} });
    expect(thrownBy(() => parseRequest('runs.export', { runId, format: 'ply', path: '/etc/passwd' })).message).toContain('path');
    expect(thrownBy(() => parseRequest('runs.export', { runId, format: '' })).message).toContain('format');
    expect(thrownBy(() => parseRequest('runs.export', { runId, format: 'ply', iteration: -1 })).message).toContain('iteration');
  });

  it('checks model and prompt requests', () => {
    expect(parseRequest('prompts.check', { model: 'demo', prompt: '' })).toEqual({ model: 'demo', prompt: '', image: false });
    expect(thrownBy(() => parseRequest('prompts.check', { model: '', prompt: 'a mug' })).message).toContain('model');
    expect(thrownBy(() => parseRequest('prompts.check', { model: 'demo', prompt: 'x'.repeat(1001) })).message).toContain('prompt');
    expect(thrownBy(() => parseRequest('models.add', { path: '  ' })).message).toContain('path must not be empty');
    expect(thrownBy(() => parseRequest('models.remove', {})).message).toContain('id');
    expect(thrownBy(() => parseRequest('methods.list', { method: 'sds' })).message).toContain('method');
  });
});
