import type { OpenAPIObject } from '@nestjs/swagger';
import { SERVICE_KEY_SECURITY } from '../auth/auth.decorators';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { IDEMPOTENCY_KEY_HEADER } from '../idempotency/idempotency-key.decorator';
import { describePathParameter } from './path-parameters';
import { standardProblemFor } from './standard-problems';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */
type Json = Record<string, any>;

export const PROBLEM_SCHEMA = 'ProblemDto';
const PROBLEM_REF = `#/components/schemas/${PROBLEM_SCHEMA}`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
/** Page parameters keep their defaults prefilled: executing them as shown is harmless. */
const PREFILLED_QUERY = new Set(['limit', 'offset']);

export interface CompleteDocumentOptions {
  /** path prefix of throttled routes (/health and /metrics, outside it, skip the throttler) */
  throttledPrefix: string;
}

/**
 * Makes the generated document say what the platform really does, for every operation at
 * once, so controllers document only their own domain errors:
 * - every error response is `application/problem+json` with the problem schema and a sample;
 * - the errors the platform answers anywhere are listed where they can happen: 400 (any input),
 *   413/415 (a body), 401/403 (a security requirement), 503 (a bearer token: JWKS fetch),
 *   429 (throttled routes);
 * - request bodies refuse unknown fields (`additionalProperties: false`, as the validation pipe);
 *   the problem schema allows the extension members the services add;
 * - OpenAPI 3.0 nullables of a `$ref` become `anyOf` with null, which validators accept;
 * - path ids say where they come from; optional filters and the Idempotency-Key are not
 *   prefilled (Swagger UI executes examples as they are); `servers` is this host.
 */
export function completeDocument(
  document: OpenAPIObject,
  options: CompleteDocumentOptions,
): OpenAPIObject {
  const doc = document as unknown as Json;
  doc.servers = [{ url: '/', description: 'The host serving this document' }];
  const schemas: Json = (doc.components ??= {}).schemas ?? (doc.components.schemas = {});
  completeProblemSchema(schemas);
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      completeOperation(doc, path, method, operation, options);
    }
  }
  closeRequestBodies(doc, schemas);
  fixNullableRefs(doc);
  dropUnusedSecuritySchemes(doc);
  return document;
}

/** A service without service-to-service routes does not offer the service-key scheme. */
function dropUnusedSecuritySchemes(doc: Json): void {
  const used = new Set<string>();
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      for (const requirement of item[method]?.security ?? []) {
        Object.keys(requirement).forEach((name) => used.add(name));
      }
    }
  }
  const schemes: Json = doc.components?.securitySchemes ?? {};
  for (const name of Object.keys(schemes)) if (!used.has(name)) delete schemes[name];
}

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

function completeOperation(
  doc: Json,
  path: string,
  method: string,
  operation: Json,
  options: CompleteDocumentOptions,
): void {
  const schemes = new Set<string>(
    (operation.security ?? []).flatMap((requirement: Json) => Object.keys(requirement)),
  );
  // public operations say so explicitly (lint: security-defined)
  operation.security ??= [];
  const bearer = schemes.has('bearer');
  const serviceKey = schemes.has(SERVICE_KEY_SECURITY);
  const parameters: Json[] = mergeParameters(operation);
  const responses: Json = (operation.responses ??= {});

  const statuses: number[] = [];
  // a POST/PUT/PATCH/DELETE may carry a body even where none is documented: it is parsed
  // (400 malformed or too deep, 413 too large, 415 not JSON) before the route runs
  const carriesBody = operation.requestBody || BODY_METHODS.has(method);
  if (parameters.length > 0 || carriesBody) statuses.push(400);
  if (carriesBody) statuses.push(413, 415);
  if (parameters.some((parameter) => parameter.in === 'path')) statuses.push(414);
  if (bearer || serviceKey) statuses.push(401);
  if (serviceKey) statuses.push(403);
  if (bearer) statuses.push(503);
  if (path.startsWith(options.throttledPrefix)) statuses.push(429);
  for (const status of statuses) responses[status] ??= {};

  for (const [code, response] of Object.entries<Json>(responses)) {
    const status = Number(code);
    if (status >= 400) documentProblem(response, status, serviceKey && !bearer);
  }
  if (responses[429]) {
    responses[429].headers ??= {
      'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
    };
  }

  for (const parameter of parameters) {
    if (parameter.in === 'path') describePathParameter(doc, path, parameter);
    if (parameter.in === 'query' && !parameter.required && !PREFILLED_QUERY.has(parameter.name)) {
      delete parameter.example;
      if (parameter.schema) delete parameter.schema.example;
    }
    if (parameter.in === 'header' && parameter.name.toLowerCase() === IDEMPOTENCY_KEY_HEADER) {
      delete parameter.example;
      if (parameter.schema) delete parameter.schema.example;
      parameter.description = [
        parameter.description,
        'Not prefilled: use a fresh value for each new operation (e.g. a UUID); a key already',
        'used with another body answers 422 for as long as it is kept.',
      ]
        .filter(Boolean)
        .join(' ');
    }
  }
}

/** One parameter per name and place: a controller's @ApiHeader refines a platform one. */
function mergeParameters(operation: Json): Json[] {
  const merged = new Map<string, Json>();
  for (const parameter of operation.parameters ?? []) {
    const key = `${parameter.in}:${String(parameter.name).toLowerCase()}`;
    merged.set(key, { ...merged.get(key), ...parameter });
  }
  if (operation.parameters) operation.parameters = [...merged.values()];
  return operation.parameters ?? [];
}

/** Error responses: problem+json (what the filter sends), the problem schema, a sample. */
function documentProblem(response: Json, status: number, serviceKeyOnly: boolean): void {
  const standard = standardProblemFor(status, serviceKeyOnly);
  response.description ||= standard.description;
  const content: Json = response.content ?? {};
  const existing: Json = content[PROBLEM_CONTENT_TYPE] ?? content['application/json'] ?? {};
  const media: Json = { schema: { $ref: PROBLEM_REF } };
  if (existing.examples && Object.keys(existing.examples).length > 0) {
    media.examples = existing.examples;
  } else {
    media.examples = Object.fromEntries(
      Object.entries(standard.examples).map(([name, value]) => [
        name,
        { summary: String(value.detail), value },
      ]),
    );
  }
  response.content = { [PROBLEM_CONTENT_TYPE]: media };
}

/** Extension members are listed in ProblemDto; any other member is allowed too (RFC 9457). */
function completeProblemSchema(schemas: Json): void {
  const problem = schemas[PROBLEM_SCHEMA];
  if (problem) problem.additionalProperties = true;
}

/** Every schema reachable from a request body refuses unknown fields, as the validation pipe. */
function closeRequestBodies(doc: Json, schemas: Json): void {
  const seen = new Set<Json>();
  const visit = (schema: Json | undefined): void => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    if (typeof schema.$ref === 'string') {
      visit(schemas[schema.$ref.replace('#/components/schemas/', '')]);
      return;
    }
    if (schema.properties) {
      if (schema.additionalProperties === undefined) schema.additionalProperties = false;
      Object.values<Json>(schema.properties).forEach(visit);
    }
    visit(schema.items);
    for (const key of ['allOf', 'anyOf', 'oneOf']) (schema[key] ?? []).forEach(visit);
  };
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const content: Json = item[method]?.requestBody?.content ?? {};
      for (const media of Object.values<Json>(content)) visit(media.schema);
    }
  }
}

/**
 * `{ allOf: [{ $ref }], nullable: true }` does not accept null in OpenAPI 3.0 (`nullable` only
 * widens a `type` in the same schema): it becomes `anyOf: [{ $ref }, { nullable null }]`.
 */
function fixNullableRefs(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(fixNullableRefs);
    return;
  }
  const schema = node as Json;
  const bare = schema.type === undefined || (schema.type === 'object' && !schema.properties);
  if (schema.nullable === true && bare) {
    const refs: Json[] = schema.allOf ?? (schema.$ref ? [{ $ref: schema.$ref }] : []);
    if (refs.length === 1) {
      delete schema.allOf;
      delete schema.$ref;
      delete schema.nullable;
      delete schema.type;
      schema.anyOf = [refs[0], { type: 'object', nullable: true, enum: [null] }];
    }
  }
  Object.values(schema).forEach(fixNullableRefs);
}
