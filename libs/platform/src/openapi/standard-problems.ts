import { problemExample } from '../errors/api-problem.decorator';
import { problemType, titleOf } from '../errors/problem';

/**
 * The errors the platform itself answers on any operation (validation pipe, guards, throttler,
 * Fastify's body parser, JWKS fetch), with the description and a sample exactly as sent.
 * Operation-specific errors (a domain's 404 or 409) are documented on the controllers.
 */
export interface StandardProblem {
  description: string;
  examples: Record<string, Record<string, unknown>>;
}

const SAMPLE_PATH = '/api/v1/…';

export const STANDARD_PROBLEMS = {
  400: {
    description:
      'Invalid input (body, query, path parameter or header); `errors` names each field.',
    examples: {
      validation: problemExample(
        400,
        'validation-error',
        'The request has invalid fields.',
        SAMPLE_PATH,
        { errors: [{ field: 'id', message: 'id must be a UUID' }] },
      ),
    },
  },
  bearer401: {
    description: 'No bearer token, or an invalid or expired one.',
    examples: {
      unauthorized: problemExample(
        401,
        'unauthorized',
        'The access token is invalid or expired.',
        SAMPLE_PATH,
      ),
    },
  },
  serviceKey401: {
    description: 'No X-Service-Key, or one that is not a service credential.',
    examples: {
      unauthorized: problemExample(
        401,
        'unauthorized',
        'A valid service credential (X-Service-Key) is required.',
        SAMPLE_PATH,
      ),
    },
  },
  403: {
    description:
      'Authenticated, but not allowed: the role (bearer) or the calling service (service key) ' +
      'is not one this operation accepts.',
    examples: {
      forbidden: problemExample(
        403,
        'forbidden',
        'Your role does not allow this action.',
        SAMPLE_PATH,
      ),
    },
  },
  413: {
    description: 'The body is larger than the service accepts (BODY_LIMIT_BYTES).',
    examples: {
      tooLarge: problemExample(
        413,
        'payload-too-large',
        'The request body is larger than this service accepts.',
        SAMPLE_PATH,
      ),
    },
  },
  415: {
    description: 'The body is not `application/json`.',
    examples: {
      unsupported: problemExample(
        415,
        'unsupported-media-type',
        'Request bodies must be JSON (Content-Type: application/json).',
        SAMPLE_PATH,
      ),
    },
  },
  414: {
    description:
      'A path parameter is longer than the router accepts (100 characters); the problem has ' +
      'no `instance`.',
    examples: {
      tooLong: {
        type: problemType('uri_too_long'),
        title: titleOf(414),
        status: 414,
        detail: 'A path parameter is longer than this service accepts.',
      },
    },
  },
  429: {
    description:
      'Rate limited (per client IP, RATE_LIMIT_PER_MINUTE); `Retry-After` says when to retry. ' +
      'Calls with a valid service key are not limited.',
    examples: {
      rateLimited: problemExample(
        429,
        'rate-limited',
        'Too many requests from this address. Retry after the time in Retry-After.',
        SAMPLE_PATH,
      ),
    },
  },
  503: {
    description:
      'A service this one depends on is unavailable (for a bearer token: the user service, ' +
      'whose JWKS verifies it). Nothing was changed; retry shortly.',
    examples: {
      upstreamDown: problemExample(
        503,
        'upstream-unavailable',
        'The user service is unavailable. Try again shortly.',
        SAMPLE_PATH,
      ),
    },
  },
} satisfies Record<string, StandardProblem>;

/** The standard sample for a status, used when an operation documents that status without one. */
export function standardProblemFor(status: number, serviceKey: boolean): StandardProblem {
  if (status === 401)
    return serviceKey ? STANDARD_PROBLEMS.serviceKey401 : STANDARD_PROBLEMS.bearer401;
  const known = (STANDARD_PROBLEMS as Record<string, StandardProblem>)[String(status)];
  if (known) return known;
  const code = GENERIC_CODES[status] ?? (status >= 500 ? 'internal-error' : 'bad-request');
  return {
    description: titleOf(status),
    examples: { problem: problemExample(status, code, titleOf(status), SAMPLE_PATH) },
  };
}

// the problem types the exception filter gives framework exceptions of these statuses
const GENERIC_CODES: Record<number, string> = {
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  422: 'unprocessable',
  500: 'internal-error',
};
