import fc from 'fast-check';
import { KeyObject } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseEnv } from '@app/platform';

// Generated cases for a configuration schema: one row per variable, restating its rule (the
// bounds the class-validator decorators had), so a changed default or bound shows up here.

/** What a variable accepts and refuses. */
export interface EnvVariableCase {
  valid: fc.Arbitrary<string>;
  /** null: every non-empty string is accepted (a name, a client id) */
  invalid: fc.Arbitrary<string> | null;
  /** the value the schema reads from a valid string (default: the string itself) */
  read?: (raw: string) => unknown;
  /** a key or password: a refusal must not print it */
  secret?: boolean;
}

type Env = Record<string, string | undefined>;

export interface EnvSchemaCases {
  /** the schema whose keys are the variables; its output holds each variable's parsed value */
  schema: z.ZodObject;
  /** what the service runs at start (the schema and its transform to the config object) */
  load: (env: Env) => unknown;
  /** a valid environment the variable under test is set into */
  base?: Record<string, string>;
  variables: Record<string, EnvVariableCase>;
}

const SEED = 20261202;
const RUNS = 60;

/** Text no message contains, so a secret that leaks into one is seen. */
const CANARY = 'zq9X';

export function intCase(min: number, max?: number): EnvVariableCase {
  const top = max ?? min + 10_000_000;
  const invalid = [
    fc.integer({ min: min - 1_000_000, max: min - 1 }).map(String),
    fc.double({ min, max: top, noInteger: true, noNaN: true }).map(String),
    fc.stringMatching(/^[a-z][a-z ]{0,9}$/),
  ];
  if (max !== undefined)
    invalid.push(fc.integer({ min: max + 1, max: max + 1_000_000 }).map(String));
  return {
    valid: fc.integer({ min, max: top }).map(String),
    invalid: fc.oneof(...invalid),
    read: Number,
  };
}

export function enumCase<T extends string>(
  values: readonly T[],
  read?: (raw: string) => unknown,
): EnvVariableCase {
  return {
    valid: fc.constantFrom(...values),
    invalid: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !values.includes(s as T)),
    read,
  };
}

export function urlCase(protocols: string[], secret = false): EnvVariableCase {
  const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6})?$/);
  const path = fc.stringMatching(/^(\/[a-z0-9_]{1,8}){0,3}$/);
  return {
    valid: fc
      .tuple(fc.constantFrom(...protocols), host, fc.integer({ min: 1, max: 65535 }), path)
      .map(([scheme, name, port, rest]) => `${scheme}://${name}:${port}${rest}`),
    invalid: fc.oneof(
      host.map((name) => `ftp://${CANARY}@${name}`),
      host.map((name) => `${name}/${CANARY}`),
      fc.constantFrom(...protocols).map((scheme) => `${scheme}:${CANARY}`),
    ),
    secret,
  };
}

/** Any non-empty string is fine; with `min`, at least that many characters. */
export function stringCase(min = 1, max?: number, secret = false): EnvVariableCase {
  const valid = fc
    .string({ minLength: min, maxLength: max ?? min + 40 })
    .filter((s) => s.trim() === s && s.length >= Math.max(min, 1));
  const short =
    min > CANARY.length
      ? [fc.string({ maxLength: min - 1 - CANARY.length }).map((s) => CANARY + s)]
      : [];
  const long =
    max !== undefined ? [fc.constant(CANARY.repeat(Math.ceil((max + 1) / CANARY.length)))] : [];
  const refused = [...short, ...long];
  return { valid, invalid: refused.length ? fc.oneof(...refused) : null, secret };
}

export function jsonCase<T>(
  valid: fc.Arbitrary<T>,
  invalid: fc.Arbitrary<unknown>,
  secret = false,
): EnvVariableCase {
  return {
    valid: valid.map((value) => JSON.stringify(value)),
    invalid: fc.oneof(
      invalid.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 8 }).map((s) => `${CANARY}{${s}`),
    ),
    read: JSON.parse,
    secret,
  };
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected instanceof KeyObject) return actual instanceof KeyObject && actual.equals(expected);
  return isDeepStrictEqual(actual, expected);
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/**
 * For each variable: a malformed value stops the load with a problem naming the variable (and,
 * for a secret, not the value); a valid value loads and reads back as what was written.
 */
export function describeEnvSchema(name: string, cases: EnvSchemaCases): void {
  const base = cases.base ?? {};
  describe(`${name}: every variable, generated values`, () => {
    it('has a case for each variable of the schema, and the base environment loads', () => {
      expect(Object.keys(cases.variables).sort()).toEqual(Object.keys(cases.schema.shape).sort());
      expect(problemsOf(() => cases.load(base))).toEqual([]);
    });

    const variables = Object.entries(cases.variables);
    const refusing = variables.filter(([, c]) => c.invalid !== null);
    if (refusing.length > 0) {
      it.each(refusing)('refuses a malformed %s, naming it', (variable, c) => {
        fc.assert(
          fc.property(c.invalid as fc.Arbitrary<string>, (value) => {
            const problems = problemsOf(() => cases.load({ ...base, [variable]: value }));
            expect(problems.some((p) => p.startsWith(`${variable} `))).toBe(true);
            if (c.secret) expect(problems.join('\n')).not.toContain(value);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });
    }

    it.each(variables)('reads a valid %s back as written', (variable, c) => {
      fc.assert(
        fc.property(c.valid, (raw) => {
          const env = { ...base, [variable]: raw };
          expect(problemsOf(() => cases.load(env))).toEqual([]);
          const parsed = parseEnv(cases.schema, env) as Record<string, unknown>;
          expect(sameValue(parsed[variable], (c.read ?? ((s: string) => s))(raw))).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  });
}
