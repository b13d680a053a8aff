// RFC 9457 problem details. `type` is a stable URI per error code, documented in docs/errors.md.
export const PROBLEM_TYPE_BASE = 'https://nest-commerce.dev/problems/';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** the request path; absent when it is too long or not a plain path (never echoed as is) */
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** Longest path echoed as `instance`; our routes are far shorter, anything longer is a probe. */
export const MAX_INSTANCE_LENGTH = 200;

// RFC 3986 path characters only: no quotes, angle brackets, spaces or controls get echoed.
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/**
 * The `instance` of a problem: the request path without its query, or undefined when the path
 * is over-long or holds anything but plain path characters, so a hostile URL is never echoed.
 */
export function instanceOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.length > MAX_INSTANCE_LENGTH || !PLAIN_PATH.test(path)) return undefined;
  return path;
}

/** A problem body in the shape every error response has. */
export function buildProblem(
  status: number,
  code: string,
  detail: string,
  url: string | undefined,
  extensions: Record<string, unknown> = {},
): Problem {
  const problem: Problem = {
    ...extensions,
    type: problemType(code),
    title: titleOf(status),
    status,
    detail,
  };
  const instance = instanceOf(url);
  if (instance !== undefined) problem.instance = instance;
  return problem;
}
