import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { JsonSchema } from './json-schema-arbitrary';

// The JSON schema that docs/asyncapi.yaml publishes for a zod contract, and a standard JSON
// Schema validator for it: the event specs check every generated case with zod (what consumers
// run) and with the published schema (what other teams read), so the two cannot disagree.

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
  return json;
}

// multipleOf 0.01 on binary floats: 0.07 / 0.01 = 7.000000000000001, and 9999900932.71 / 0.01
// is off by 1e-4. A plain validator refuses such valid amounts; a tolerance of 1e-3 on the
// quotient accepts them and still refuses a third decimal (off by 0.1 or more).
const ajv = addFormats(new Ajv({ strict: true, allErrors: true, multipleOfPrecision: 3 }));
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

export function publishedSchemaAccepts(json: JsonSchema, value: unknown): boolean {
  let validate = compiled.get(json);
  if (!validate) compiled.set(json, (validate = ajv.compile(json)));
  return validate(value) as boolean;
}
