import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { modelPackError } from './model-pack-error';
import { jsonSyntaxProblem } from '../fs/json-syntax-problem';

/** A pack's JSON files, read and checked with the file and the field named in any error. */
export function readJson(path: string): unknown {
  if (!existsSync(path)) throw modelPackError(path, 'is missing');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw modelPackError(path, `is not valid JSON (${jsonSyntaxProblem(err)})`);
  }
}

export function parseWith<T>(path: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(top level)';
  const got = issue.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), raw);
  throw modelPackError(path, `has an invalid ${field}${got === undefined ? '' : ` (${JSON.stringify(got)})`}: ${issue.message}`);
}

/** A component's config.json, parsed leniently; {} when the file is absent. */
export function readConfig<T>(dir: string, component: string, schema: z.ZodType<T>): T {
  const path = join(dir, component, 'config.json');
  return parseWith(path, schema, existsSync(path) ? readJson(path) : {});
}
