import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Accept a caller's id only if it is a sane token (SPEC): it is echoed, logged and forwarded.
export const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id of a request: the caller's X-Request-Id when it passes the whitelist, else a new
 * UUID. Fastify calls this once per request (genReqId); the response header, every log line
 * and every outbound call then use that same id.
 */
export function requestIdFor(req: IncomingMessage & { id?: unknown }): string {
  // once per request, even if asked again (e.g. by a router-level error handler)
  if (typeof req.id === 'string') return req.id;
  const header = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  // pino-http reads req.id; outbound HTTP clients read it to propagate.
  req.id = id;
  return id;
}
