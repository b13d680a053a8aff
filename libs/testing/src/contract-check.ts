import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is plain JSON */
type Json = Record<string, any>;

/** One response as the client received it. */
export interface RecordedResponse {
  method: string;
  /** the route template in OpenAPI form: /api/v1/carts/{cart_id} */
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Responses that are not API operations: Swagger UI, Prometheus text, CORS preflights. */
function ignored(response: RecordedResponse): boolean {
  return (
    response.path.startsWith('/docs') ||
    response.path === '/metrics' ||
    response.method === 'HEAD' ||
    response.method === 'OPTIONS'
  );
}

/**
 * Records every response the app sends to a routed request (a request that matched no route,
 * answered by the framework's 404, has no operation to check against).
 */
export function recordResponses(fastify: FastifyInstance): RecordedResponse[] {
  const recorded: RecordedResponse[] = [];
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const template = request.routeOptions?.url;
    if (template) {
      recorded.push({
        method: request.method,
        path: template.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/(.)\/$/, '$1'),
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? '') || undefined,
        body:
          typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString()
              : '',
      });
    }
    done(null, payload);
  });
  return recorded;
}

/** The documented response for a status: exact, then `4XX`-style ranges, then `default`. */
function documentedResponse(responses: Json, status: number): Json | undefined {
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase() || undefined;
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Checks recorded responses against an OpenAPI 3.0 document: the operation and status are
 * documented, the content type is one documented for it, and a JSON body is valid against
 * its schema (ajv; OpenAPI's `nullable` is ajv's own keyword). Returns one line per violation.
 */
export function checkResponses(document: Json, responses: RecordedResponse[]): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ components: document.components ?? {} }, 'openapi');
  const validators = new Map<string, ValidateFunction>();
  const violations = new Set<string>();

  for (const response of responses) {
    if (ignored(response)) continue;
    const name = `${response.method} ${response.path} → ${response.status}`;
    const operation: Json | undefined =
      document.paths?.[response.path]?.[response.method.toLowerCase()];
    if (!operation) {
      violations.add(`${name}: the operation is not in the document`);
      continue;
    }
    const documented = documentedResponse(operation.responses ?? {}, response.status);
    if (!documented) {
      violations.add(`${name}: status not documented for this operation`);
      continue;
    }
    const content: Json = documented.content ?? {};
    const mediaType = mediaTypeOf(response.contentType);
    if (response.body === '' || response.status === 204) {
      if (response.body !== '') violations.add(`${name}: a 204 with a body`);
      continue;
    }
    if (!mediaType || !content[mediaType]) {
      violations.add(
        `${name}: content type ${mediaType ?? '(none)'} not documented ` +
          `(documented: ${Object.keys(content).join(', ') || 'no body'})`,
      );
      continue;
    }
    const schema = content[mediaType].schema;
    if (!schema || !isJson(mediaType)) continue;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      violations.add(`${name}: the ${mediaType} body is not JSON`);
      continue;
    }
    const key = `${response.method} ${response.path} ${response.status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) {
      try {
        validate = ajv.compile(rebase(schema));
      } catch (error) {
        violations.add(`${name}: the documented schema is unusable: ${(error as Error).message}`);
        continue;
      }
      validators.set(key, validate);
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 3)
        .map((error) => `${error.instancePath || '(body)'} ${error.message}`)
        .join('; ');
      violations.add(`${name}: body does not match the schema: ${errors}`);
    }
  }
  return [...violations];
}

/** Local `#/components/...` references point into the schema registered as `openapi`. */
function rebase(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `openapi${value}`
        : rebase(value),
    ]),
  );
}

/** Contract checking is on unless CONTRACT_CHECK=off. */
export function contractCheckEnabled(): boolean {
  return process.env.CONTRACT_CHECK !== 'off';
}

/**
 * Records every response of `app`, and on `app.close()` checks them against the app's own
 * /docs-json: a violation fails the close (so the suite) with the list of them.
 */
export function installContractCheck(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const recorded = recordResponses(fastify);
  const close = app.close.bind(app);
  app.close = async () => {
    let violations: string[] = [];
    if (recorded.length > 0) {
      const answer = await fastify.inject({ method: 'GET', url: '/docs-json' });
      const checked = recorded.splice(0);
      violations = checkResponses(JSON.parse(answer.body), checked);
    }
    await close();
    if (violations.length > 0) {
      throw new Error(
        `Responses that break the service's OpenAPI document (set CONTRACT_CHECK=off to ` +
          `skip this check while debugging):\n  - ${violations.join('\n  - ')}`,
      );
    }
  };
}
