// A zod-free check of the small JSON records in the state and runtime dirs (daemon discovery
// records, supervisor locks). `showrunner status` reads them on every run, and loading zod
// cost it about 90 ms of a 300 ms budget (issue 16); these records are flat, so a field list
// says all a schema would.

/** `string?`: may be missing (a field newer than some records that may still be around). */
export type FieldKind = 'string' | 'string|null' | 'string?' | 'int' | 'number' | 'hex';

export type RecordShape = Record<string, FieldKind>;

type FieldType<K extends FieldKind> = K extends 'string' | 'hex' ? string : K extends 'string|null' ? string | null : K extends 'string?' ? string | undefined : number;

type OptionalKeys<S extends RecordShape> = { [F in keyof S]: S[F] extends 'string?' ? F : never }[keyof S];

export type RecordOf<S extends RecordShape> = { [F in Exclude<keyof S, OptionalKeys<S>>]: FieldType<S[F]> } & { [F in OptionalKeys<S>]?: string };

function fits(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'string?':
      return value === undefined || typeof value === 'string';
    case 'hex':
      return typeof value === 'string' && /^[0-9a-f]+$/.test(value);
    case 'int':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

/** The record with exactly the shape's fields (others are dropped, as zod's object does), or
 *  an Error naming the first field that is missing or of the wrong kind. */
export function checkRecord<S extends RecordShape>(value: unknown, shape: S): RecordOf<S> | Error {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Error('not a JSON object');
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(shape)) {
    if (!fits(source[field], kind)) return new Error(`${field}: expected ${kind}, got ${JSON.stringify(source[field]) ?? 'nothing'}`);
    if (source[field] !== undefined) out[field] = source[field];
  }
  return out as RecordOf<S>;
}

/** JSON text to a record of the shape, or null when it is not one (unreadable counts as stale). */
export function parseRecordText<S extends RecordShape>(raw: string, shape: S): RecordOf<S> | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const record = checkRecord(value, shape);
  return record instanceof Error ? null : record;
}
