import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '@app/platform/errors/problem';

/** Answers with a problem body in the services' shape (RFC 9457, docs/errors.md codes). */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('cache-control', 'no-store')
    .send(buildProblem(status, code, detail, request.url, extensions));
}

export const NOT_ROUTED_DETAIL = 'No such endpoint.';

/** What the edge says for the errors Fastify or its plugins raise (never their own words). */
export function edgeProblemOf(status: number | undefined): {
  status: number;
  code: string;
  detail: string;
} {
  switch (status) {
    case 400:
      return { status, code: 'bad_request', detail: 'The request is malformed.' };
    case 404:
      return { status, code: 'not_found', detail: NOT_ROUTED_DETAIL };
    case 408:
      return { status, code: 'request_timeout', detail: 'The request took too long to arrive.' };
    case 413:
      return {
        status,
        code: 'payload_too_large',
        detail: 'The request body is larger than this API accepts.',
      };
    case 414:
      return { status, code: 'uri_too_long', detail: 'The request path is too long.' };
    case 415:
      return {
        status,
        code: 'unsupported_media_type',
        detail: 'Request bodies must be JSON (Content-Type: application/json).',
      };
    case 429:
      return {
        status,
        code: 'rate_limited',
        detail: 'Too many requests from this address. Retry after the time in Retry-After.',
      };
    case 504:
      return {
        status,
        code: 'gateway_timeout',
        detail: 'The service behind this endpoint did not answer in time.',
      };
    case 503:
      return {
        status,
        code: 'upstream_unavailable',
        detail: 'The service behind this endpoint is unavailable. Retry later.',
      };
    default:
      return {
        status: 502,
        code: 'bad_gateway',
        detail: 'The service behind this endpoint gave no valid answer.',
      };
  }
}
