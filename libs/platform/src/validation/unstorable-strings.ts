import { FieldError } from '../errors/problem';

/** More would only make the 400 bigger; the client fixes the first ones and tries again. */
export const UNSTORABLE_STRING_ERRORS_MAX = 50;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why PostgreSQL (text, jsonb) cannot take this string, or null when it can. */
function defectOf(text: string): 'nul' | 'surrogate' | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  return null;
}

/** A key quoted in a field path: the offending characters written as `\uXXXX` escapes. */
function printable(key: string): string {
  const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return key.split('\u0000').join(escape('\u0000')).replace(LONE_SURROGATES, escape);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The name a message starts with, as class-validator's: the leaf, or "each value in" a list. */
function subjectOf(path: string): string {
  const segments = path.split('.');
  const leaf = segments[segments.length - 1];
  if (/^\d+$/.test(leaf) && segments.length > 1) {
    return `each value in ${segments[segments.length - 2]}`;
  }
  return leaf;
}

function errorFor(path: string, defect: 'nul' | 'surrogate', isKey: boolean): FieldError {
  const subject = isKey ? `${subjectOf(path)} (a field name)` : subjectOf(path);
  return {
    field: path,
    message:
      defect === 'nul'
        ? `${subject} must not contain NUL characters (\\u0000)`
        : `${subject} must be well-formed Unicode (no lone UTF-16 surrogates)`,
  };
}

// Any object: Fastify's query objects have a prototype of their own (fast-querystring's
// null-prototype `Empty`), not Object.prototype, and must be walked all the same.
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

/**
 * Every string in a request value (any depth, object keys included) that PostgreSQL cannot
 * store: a NUL character, or a UTF-16 surrogate without its pair (what `"\ud800"` in JSON gives).
 * Paths are written as the validation errors write them (`items.0.name`, `address.city`);
 * `root` names the value itself (`@Param('id')` → `id`; a whole body or query → no prefix).
 * Iterative, so a deeply nested body cannot overflow the stack here.
 */
export function findUnstorableStrings(value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  const seen = new Set<object>();
  while (stack.length > 0 && errors.length < UNSTORABLE_STRING_ERRORS_MAX) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const defect = defectOf(current);
      if (defect) errors.push(errorFor(path || 'body', defect, false));
      continue;
    }
    if (!isContainer(current) || seen.has(current)) continue;
    seen.add(current);
    const children: { value: unknown; path: string }[] = [];
    for (const [key, child] of Object.entries(current)) {
      const childPath = join(path, printable(key));
      const keyDefect = defectOf(key);
      if (keyDefect) {
        errors.push(errorFor(childPath, keyDefect, true));
        continue;
      }
      children.push({ value: child, path: childPath });
    }
    // reversed, so fields are reported in the order the client sent them
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return errors.slice(0, UNSTORABLE_STRING_ERRORS_MAX);
}
