import { errorCodes } from 'fastify';

/**
 * Our wording for the errors the HTTP framework raises itself (body parsing, routing, the node
 * HTTP parser). Their own messages name the framework, quote headers or echo the path; a
 * problem body says what is wrong in our words and nothing more.
 */
export interface FrameworkProblem {
  status: number;
  code: string;
  detail: string;
}

export const NOT_JSON = 'The request body is not valid JSON.';

const BY_CODE: Record<string, FrameworkProblem> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request', detail: NOT_JSON },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'bad_request',
    detail: 'The request body is empty but its Content-Type says JSON.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_request',
    detail: 'The request body does not match its Content-Length.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is larger than this service accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'Request bodies must be JSON (Content-Type: application/json).',
  },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'bad_request',
    detail: 'The request path is not a valid URL path.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    detail: 'A path parameter is longer than this service accepts.',
  },
};

/**
 * Nest turns the framework's errors into HttpException(message, status) before any filter
 * sees them, dropping the FST_ code; the (constant) message still tells which one it was.
 */
const CODE_BY_FRAMEWORK_MESSAGE = new Map<string, string>(
  [
    'FST_ERR_CTP_BODY_TOO_LARGE',
    'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
    'FST_ERR_CTP_EMPTY_JSON_BODY',
    'FST_ERR_CTP_INVALID_JSON_BODY',
  ].map((code) => [new errorCodes[code as keyof typeof errorCodes]().message, code]),
);

/** The framework error code behind a message Nest passed on, if it is one of them. */
export function frameworkCodeOfMessage(message: unknown): string | undefined {
  return typeof message === 'string' ? CODE_BY_FRAMEWORK_MESSAGE.get(message) : undefined;
}

/** Text that must never reach a client: it names the framework or its error codes. */
export function namesTheFramework(text: string): boolean {
  return /FST_|fastify|ThrottlerException/i.test(text);
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'request_header_fields_too_large',
};

const DETAIL_BY_STATUS: Record<number, string> = {
  400: 'The request could not be read.',
  404: 'No route matches this path.',
  405: 'This path does not accept this method.',
  406: 'This service answers JSON only.',
  408: 'The request was not received in time.',
  413: 'The request body is larger than this service accepts.',
  414: 'The request path is longer than this service accepts.',
  415: 'Request bodies must be JSON (Content-Type: application/json).',
  431: 'The request headers are larger than this service accepts.',
};

/** A 4xx the platform raises below Nest (body parsing), carrying its problem in our words. */
export class ClientRequestError extends Error {
  readonly statusCode: number;

  constructor(readonly problem: FrameworkProblem) {
    super(problem.detail);
    this.name = 'ClientRequestError';
    this.statusCode = problem.status;
  }
}

/** The problem for a framework error that is the client's fault (4xx), in our words. */
export function describeClientError(status: number, fastifyCode?: string): FrameworkProblem {
  const known = fastifyCode ? BY_CODE[fastifyCode] : undefined;
  if (known) return known;
  return {
    status,
    code: CODE_BY_STATUS[status] ?? 'bad_request',
    detail: DETAIL_BY_STATUS[status] ?? 'The request could not be processed.',
  };
}

/**
 * A 4xx error thrown by the framework or one of its plugins rather than by our code: it has a
 * numeric statusCode (and often an FST_ code) but is no HttpException or domain error.
 */
export function frameworkClientError(
  error: unknown,
): { statusCode: number; code?: string } | undefined {
  // not `instanceof Error`: node's own errors (a body stream "aborted" by the client,
  // ECONNRESET) may come from another realm, e.g. under jest
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof candidate.message !== 'string') return undefined;
  const status = candidate.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return {
    statusCode: status,
    code: typeof candidate.code === 'string' ? candidate.code : undefined,
  };
}
