import type * as FastCheck from 'fast-check';

type Fc = typeof FastCheck;
type Arbitrary = FastCheck.Arbitrary<unknown>;

/** The JSON Schema subset zod's toJSONSchema writes for the StudioApi requests. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
}

/** Values that exist in the home under test, by property name, so cases reach past "not found". */
export type Hints = Record<string, () => readonly unknown[]>;

/** A value from a pool that grows while the fuzz runs (read when the case is generated, not when built). */
function fromPool(fc: Fc, pool: () => readonly unknown[]): Arbitrary {
  return fc.nat().map((i) => {
    const values = pool();
    return values.length === 0 ? undefined : values[i % values.length];
  });
}

const NASTY_STRINGS = ['', ' ', '\u0000', '\ud800', '../../kiln.db', '/etc/passwd', 'a'.repeat(5000), '雪だるま', '🎉🎉', '0x10', 'NaN', '<script>', '%00', '\\'];

/**
 * An arbitrary for values of `schema`: mostly valid ones (with existing ids where `hints` know the property),
 * sometimes a value just outside a limit or of another type, so both the handlers and the validation are reached.
 */
export function schemaArbitrary(fc: Fc, schema: JsonSchema, hints: Hints = {}, name = ''): Arbitrary {
  const junk = fc.oneof(fc.jsonValue(), fc.constantFrom(...NASTY_STRINGS));
  const hinted = hints[name] ? fromPool(fc, hints[name]) : undefined;
  const valid = validArbitrary(fc, schema, hints);
  const choices: { arbitrary: Arbitrary; weight: number }[] = [
    { arbitrary: valid, weight: 6 },
    { arbitrary: junk, weight: 1 },
    ...(hinted ? [{ arbitrary: hinted, weight: 8 }] : []),
  ];
  return fc.oneof(...choices);
}

function validArbitrary(fc: Fc, schema: JsonSchema, hints: Hints): Arbitrary {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => schemaArbitrary(fc, s, hints)));
  switch (schema.type) {
    case 'object':
      return objectArbitrary(fc, schema, hints);
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer': {
      const min = schema.minimum ?? -1e6;
      const max = Math.min(schema.maximum ?? 1e6, 1e7);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, 0.5));
    }
    case 'number':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(Number.MAX_VALUE, -0));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? schemaArbitrary(fc, schema.items, hints) : fc.jsonValue(), { maxLength: 4 });
    default:
      return fc.jsonValue();
  }
}

function objectArbitrary(fc: Fc, schema: JsonSchema, hints: Hints): Arbitrary {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A record (methodSettings, options): a few keys with any JSON values.
    return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 3 });
  }
  const record = fc.record(Object.fromEntries(names.map((n) => [n, schemaArbitrary(fc, properties[n]!, hints, n)])), {
    requiredKeys: (schema.required ?? []).filter((n) => names.includes(n)),
  });
  // Now and then a required field goes missing or an unknown one appears (the schemas are strict).
  return fc.tuple(record, fc.nat(20)).map(([value, dice]) => {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (dice === 0 && names.length > 0) delete copy[names[0]!];
    if (dice === 1) copy.unexpected = true;
    return copy;
  });
}
