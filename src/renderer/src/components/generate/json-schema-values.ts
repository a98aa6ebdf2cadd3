/**
 * The part of JSON Schema (draft 2020-12, as zod's `toJSONSchema` writes it) that the studio's settings forms
 * understand: objects, numbers, integers, booleans, strings, enums, fixed-length tuples, nullable values and
 * unions of constants. Anything else is shown read-only and passed through unchanged.
 */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  description?: string;
}

export type SettingsValues = Record<string, unknown>;

/** What kind of control a schema node becomes. */
export type FieldKind =
  | { kind: 'object'; properties: Record<string, JsonSchema> }
  | { kind: 'number'; integer: boolean; nullable: boolean; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: unknown[] }
  | { kind: 'text' }
  | { kind: 'tuple'; items: JsonSchema[] }
  | { kind: 'unsupported' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits `anyOf: [X, {type: 'null'}]` into X and whether null is allowed. */
function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf;
  if (!options) return { schema, nullable: schema.type === 'null' };
  const rest = options.filter((o) => o.type !== 'null');
  if (rest.length === 1 && rest.length < options.length) return { schema: { ...rest[0], default: schema.default }, nullable: true };
  return { schema, nullable: false };
}

export function fieldKind(original: JsonSchema): FieldKind {
  const { schema, nullable } = withoutNull(original);
  if (schema.anyOf && schema.anyOf.length > 0 && schema.anyOf.every((o) => 'const' in o)) {
    return { kind: 'choice', options: schema.anyOf.map((o) => o.const) };
  }
  if (schema.enum) return { kind: 'choice', options: schema.enum };
  switch (schema.type) {
    case 'object':
      return { kind: 'object', properties: schema.properties ?? {} };
    case 'number':
    case 'integer': {
      const min = schema.minimum ?? schema.exclusiveMinimum;
      const max = schema.maximum ?? schema.exclusiveMaximum;
      return {
        kind: 'number',
        integer: schema.type === 'integer',
        nullable,
        // zod writes ±Number.MAX_SAFE_INTEGER for plain `.int()`; that is no bound a person needs to see.
        ...(min !== undefined && Math.abs(min) < Number.MAX_SAFE_INTEGER ? { min } : {}),
        ...(max !== undefined && Math.abs(max) < Number.MAX_SAFE_INTEGER ? { max } : {}),
      };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      return { kind: 'text' };
    case 'array':
      return schema.prefixItems ? { kind: 'tuple', items: schema.prefixItems } : { kind: 'unsupported' };
    default:
      return { kind: 'unsupported' };
  }
}

/**
 * The value a schema node takes when nothing is given: its own default, with an object's missing properties filled
 * from theirs (as zod does when it parses `{}` against `z.object({...}).default({})`).
 */
export function defaultValue(schema: JsonSchema): unknown {
  const own = schema.default === undefined ? undefined : structuredClone(schema.default);
  const kind = fieldKind(schema);
  if (kind.kind !== 'object') return own;
  const base: Record<string, unknown> = isPlainObject(own) ? own : {};
  for (const [key, property] of Object.entries(kind.properties)) {
    if (base[key] === undefined) {
      const value = defaultValue(property);
      if (value !== undefined) base[key] = value;
    } else if (fieldKind(property).kind === 'object' && isPlainObject(base[key])) {
      base[key] = { ...(defaultValue(property) as Record<string, unknown>), ...base[key] };
    }
  }
  return base;
}

/** Every setting of an object schema at its default. */
export function defaultSettings(schema: JsonSchema): SettingsValues {
  const value = defaultValue(schema);
  return isPlainObject(value) ? value : {};
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The top-level settings that differ from the defaults, each with its whole value. Whole values, because zod fills a
 * partly given nested object from its properties' defaults, not from the parent's default (which may differ).
 */
export function changedSettings(schema: JsonSchema, values: SettingsValues): SettingsValues {
  const defaults = defaultSettings(schema);
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => !deepEqual(value, defaults[key])));
}

/** Defaults with the given top-level settings laid over them (a branch's or a stored run's method settings). */
export function settingsWith(schema: JsonSchema, given: SettingsValues | undefined): SettingsValues {
  const defaults = defaultSettings(schema);
  const known = Object.keys(schema.properties ?? {});
  const kept = Object.entries(given ?? {}).filter(([key]) => known.length === 0 || known.includes(key));
  return { ...defaults, ...Object.fromEntries(kept) };
}

/** `value` with the entry at `path` replaced (immutably). */
export function setAtPath(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const array = Array.isArray(value) ? [...value] : [];
    array[head] = setAtPath(array[head], rest, next);
    return array;
  }
  const object = isPlainObject(value) ? { ...value } : {};
  object[head] = setAtPath(object[head], rest, next);
  return object;
}

/** "cfgScale" → "Cfg scale", "fovYDeg" → "Fov y deg", "dbc" → "Dbc". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Why a number is not acceptable for its field, or null when it is. */
export function numberProblem(kind: Extract<FieldKind, { kind: 'number' }>, schema: JsonSchema, value: number | null): string | null {
  if (value === null) return kind.nullable ? null : 'a number is required';
  if (!Number.isFinite(value)) return 'not a number';
  if (kind.integer && !Number.isInteger(value)) return 'must be a whole number';
  const { schema: inner } = withoutNull(schema);
  if (inner.minimum !== undefined && value < inner.minimum) return `must be at least ${inner.minimum}`;
  if (inner.exclusiveMinimum !== undefined && value <= inner.exclusiveMinimum) return `must be more than ${inner.exclusiveMinimum}`;
  if (inner.maximum !== undefined && value > inner.maximum) return `must be at most ${inner.maximum}`;
  if (inner.exclusiveMaximum !== undefined && value >= inner.exclusiveMaximum) return `must be less than ${inner.exclusiveMaximum}`;
  return null;
}
