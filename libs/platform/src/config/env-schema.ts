import { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Building blocks of the configuration schemas. Each schema's keys are the variables, so a
 * problem names exactly what to fix; messages state the rule, never the value (keys, passwords).
 */

type Env = Record<string, string | undefined>;

/** An integer variable, read as Number() reads it (' 5 ' and '1e3' pass, 'five' does not). */
export function envInt(min: number, max?: number) {
  const int = z.coerce.number().int().min(min);
  return max === undefined ? int : int.max(max);
}

/** A URL variable: one of the given schemes, then `://` and a host (as class-validator's isUrl). */
export function envUrl(protocols: string[], whenMissing = 'is required') {
  const schemes = protocols.join('|');
  const rule = `must be a ${protocols.join(' or ')} URL (${protocols[0]}://host…)`;
  return z
    .url({
      protocol: new RegExp(`^(${schemes})$`),
      hostname: /./,
      error: (issue) => (issue.input === undefined ? whenMissing : rule),
    })
    .regex(new RegExp(`^(${schemes})://`, 'i'), rule);
}

/** A variable holding JSON that must match `schema`; `description` says what it must be. */
export function envJson<T extends z.ZodType>(schema: T, description: string) {
  return z.string().transform((text, ctx): z.output<T> => {
    const parsed = schema.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    // the text stays out of the issue: SERVICE_API_KEYS holds secrets
    ctx.issues.push({ code: 'custom', message: `must be ${description}`, input: undefined });
    return z.NEVER;
  });
}

/** The service's own key for calling others, required by services that cannot work without it. */
export function requiredServiceApiKey(why: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is required: ${why}` : undefined) })
    .min(16);
}

/**
 * For cross-variable rules: run them even when another variable is malformed, so one start
 * names every problem (zod skips them after a type error by default). Rules must then check
 * the types of what they compare.
 */
export const EVEN_AFTER_OTHER_ERRORS = { when: () => true };

/**
 * Parses the raw environment with a schema; empty strings count as unset, so `FOO=` in a .env
 * file falls back to the default. Throws a ConfigError with one line per problem.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => !!value));
  const result = schema.safeParse(set, { error: ruleOf });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => [issue.path.join('.'), issue.message].join(' ').trim()),
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message of an issue, after the variable's name; never the value itself. */
function ruleOf(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return issue.expected === 'int' ? 'must be an integer' : `must be a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${issue.minimum} characters long`
        : `must not be less than ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters long`
        : `must not be greater than ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email'
        ? 'must be an email address'
        : `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
}
