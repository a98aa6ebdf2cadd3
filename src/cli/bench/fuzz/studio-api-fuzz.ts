import type * as FastCheck from 'fast-check';
import { z } from 'zod';
import { KILN_ERROR_CODES, type WireError } from '../../../shared/errors';
import { STUDIO_METHOD_NAMES, studioMethods } from '../../../shared/studio-api';
import { count, newTally, STACK_FRAME, type FuzzPools, type FuzzTally } from './fuzz-types';
import { schemaArbitrary, type Hints, type JsonSchema } from './schema-arbitrary';

/** Statuses a clear refusal may have; a 500 is a failure unless it is a storage problem the message explains. */
const CLEAR_STATUSES = new Set([400, 401, 403, 404, 409, 422]);

interface ApiCase {
  method: string;
  body: unknown;
}

function hintsFor(pools: FuzzPools, home: string): Hints {
  const ids = () => pools.projectIds;
  return {
    id: () => [...pools.projectIds, 'demo', home],
    projectId: ids,
    runId: () => pools.runIds,
    blob: () => pools.blobs,
    iteration: () => pools.iterations,
    // Small budgets: a run the fuzz starts is cancelled at once, but a short one ends by itself too.
    iterations: () => [1, 2, 3],
    initialGaussians: () => [50, 100],
    model: () => ['demo', 'demo-latent', '/nonexistent/pack', home],
    prompt: () => ['a mug', 'a snowman', 'a red cube, side view', 'a zeppelin', '雪だるま', '🎉🎉'],
    format: () => ['ply', 'spz', 'sog', 'glb', 'fbx'],
    path: () => [home, '/nonexistent', `${home}/kiln.db`, '/'],
    name: () => [...pools.projectNames, 'Fuzz project', 'x'.repeat(121)],
  };
}

function caseArbitrary(fc: typeof FastCheck, hints: Hints): FastCheck.Arbitrary<ApiCase> {
  const schemas = Object.fromEntries(
    STUDIO_METHOD_NAMES.map((m) => [m, z.toJSONSchema(studioMethods[m].request, { io: 'input', unrepresentable: 'any' }) as JsonSchema]),
  );
  const method = fc.oneof({ arbitrary: fc.constantFrom(...STUDIO_METHOD_NAMES), weight: 20 }, { arbitrary: fc.constantFrom('no.such', '__proto__', 'constructor', ''), weight: 1 });
  return method.chain((m) => (schemas[m] ? schemaArbitrary(fc, schemas[m], hints) : fc.jsonValue()).map((body) => ({ method: m, body })));
}

async function post(url: string, method: string, body: unknown): Promise<{ status: number; json: { result?: unknown; error?: WireError } | undefined }> {
  const res = await fetch(`${url}/api/call/${encodeURIComponent(method)}`, { method: 'POST', body: JSON.stringify(body) ?? '', headers: { 'content-type': 'application/json' } });
  const isJson = res.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: res.status, json: isJson ? ((await res.json()) as { result?: unknown; error?: WireError }) : (await res.arrayBuffer(), undefined) };
}

/** Why an answer is not "success or a clear error", or undefined when it is one. */
function unclear(status: number, json: { error?: WireError } | undefined): string | undefined {
  if (status === 200) return undefined;
  const error = json?.error;
  if (!error || !(KILN_ERROR_CODES as readonly string[]).includes(error.code)) return `status ${status} without a Kiln error`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'an error without a message';
  if (STACK_FRAME.test(error.message)) return 'a stack trace in the message';
  if (!CLEAR_STATUSES.has(status) && error.code !== 'storage') return `status ${status} (${error.code}): ${error.message}`;
  return undefined;
}

/** Keeps the pools current and cancels any run a case started (so the fuzz never leaves engines working). */
async function followUp(url: string, c: ApiCase, result: unknown, pools: FuzzPools): Promise<void> {
  const value = result as { id?: string; name?: string } | undefined;
  if (c.method === 'projects.create' && value?.id) {
    pools.projectIds.push(value.id);
    pools.projectNames.push(value.name ?? '');
  }
  if (c.method === 'projects.delete' && value?.id) pools.projectIds.splice(pools.projectIds.indexOf(value.id), 1);
  if ((c.method === 'runs.start' || c.method === 'runs.branch' || c.method === 'runs.resume') && value?.id) {
    pools.runIds.push(value.id);
    await post(url, 'runs.stop', { runId: value.id, mode: 'cancel' });
  }
}

/**
 * Property: every StudioApi request drawn from the method's own schema (valid, near-valid or junk) ends in success or
 * a clear error, and the server still answers afterwards.
 */
export async function fuzzStudioApi(fc: typeof FastCheck, url: string, home: string, pools: FuzzPools, numRuns: number, seed: number): Promise<FuzzTally> {
  const tally = newTally();
  const property = fc.asyncProperty(caseArbitrary(fc, hintsFor(pools, home)), async (c) => {
    const { status, json } = await post(url, c.method, c.body);
    const problem = unclear(status, json);
    count(tally, status === 200 ? 'ok' : (json?.error?.code ?? `status ${status}`));
    if (problem) tally.failures.push(`${c.method} ${JSON.stringify(c.body).slice(0, 300)} → ${problem}`);
    if (status === 200) await followUp(url, c, json?.result, pools);
    const alive = await post(url, 'projects.list', {});
    if (alive.status !== 200) tally.failures.push(`the server stopped answering after ${c.method} ${JSON.stringify(c.body).slice(0, 300)}`);
    return true; // failures are collected above, so one fuzz run reports all of them
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: true });
  if (details.failed) tally.failures.push(`a case threw: ${String(details.errorInstance)} (counterexample ${JSON.stringify(details.counterexample).slice(0, 300)})`);
  return tally;
}
