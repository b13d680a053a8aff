import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, DomainErrorKind } from '@app/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ClientRequestError,
  NOT_JSON,
  describeClientError,
  frameworkClientError,
  frameworkCodeOfMessage,
  namesTheFramework,
} from './framework-errors';
import { PROBLEM_CONTENT_TYPE, Problem, buildProblem } from './problem';
import { ValidationFailedException } from './validation-failed.exception';
import { UpstreamUnavailableError } from './upstream-unavailable.error';
import { connectionLossCode, isConnectionLoss } from '../database/connection-loss';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'upstream_unavailable',
};

interface Mapped {
  status: number;
  code: string;
  detail: string;
  errors?: Problem['errors'];
  extensions?: Record<string, unknown>;
  retryAfterSeconds?: number;
  /** e.g. Allow on a 405 */
  headers?: Record<string, string>;
}

const INTERNAL: Mapped = {
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  code: 'internal_error',
  detail: 'An unexpected error occurred. The request id identifies it in the logs.',
};

/**
 * A 503 says "try again shortly": an upstream's breaker probes again within a second or two,
 * and a dropped database connection is replaced at once.
 */
const RETRY_UNAVAILABLE_AFTER_SECONDS = 1;

const DATABASE_UNAVAILABLE: Mapped = {
  status: HttpStatus.SERVICE_UNAVAILABLE,
  code: 'upstream_unavailable',
  detail: 'This service could not reach its database. Try again shortly.',
  retryAfterSeconds: RETRY_UNAVAILABLE_AFTER_SECONDS,
};

const RATE_LIMITED = 'Too many requests from this address. Retry after the time in Retry-After.';

// Methods a route may answer; OPTIONS is left out (CORS preflight answers it on every path).
const ROUTABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The router found no route: 405 with Allow when the path exists for other methods, else 404.
 * Never the framework's "Cannot GET /path" message, which echoes the path.
 */
function routeNotFound(request: FastifyRequest): Mapped {
  const path = (request.url ?? '').split('?')[0];
  const allowed = ROUTABLE_METHODS.filter(
    (method) =>
      method !== request.method && request.server.findRoute({ method, url: path }) !== null,
  );
  if (allowed.length === 0) return { ...describeClientError(404) };
  return { ...describeClientError(405), headers: { allow: allowed.join(', ') } };
}

function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof Error &&
    typeof (error as DomainError).kind === 'string' &&
    typeof (error as DomainError).code === 'string' &&
    (error as DomainError).kind in STATUS_BY_KIND
  );
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** A throttling guard's own message, unless it is the library's default naming itself. */
function platformWording(exception: ThrottlerException): string {
  const message = httpDetail(exception);
  return namesTheFramework(message) ? RATE_LIMITED : message;
}

function statusesOnly(details: unknown): Record<string, { status: unknown }> {
  return Object.fromEntries(
    Object.entries(details as Record<string, { status?: unknown }>).map(([name, check]) => [
      name,
      { status: check?.status },
    ]),
  );
}

function map(exception: unknown, request: FastifyRequest): Mapped {
  if (exception instanceof ClientRequestError) return { ...exception.problem };
  if (exception instanceof NotFoundException && request.is404) return routeNotFound(request);
  if (exception instanceof ThrottlerException) {
    return { status: 429, code: 'rate_limited', detail: platformWording(exception) };
  }
  if (exception instanceof ValidationFailedException) {
    return {
      status: 400,
      code: 'validation_error',
      detail: exception.message,
      errors: exception.fieldErrors,
    };
  }
  if (exception instanceof UpstreamUnavailableError) {
    return {
      status: 503,
      code: 'upstream_unavailable',
      detail: exception.message,
      retryAfterSeconds: RETRY_UNAVAILABLE_AFTER_SECONDS,
    };
  }
  if (isDomainError(exception)) {
    return {
      status: STATUS_BY_KIND[exception.kind],
      code: exception.code,
      detail: exception.message,
      extensions: exception.details,
      retryAfterSeconds: exception.retryAfterSeconds,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse() as { details?: unknown };
    // terminus: keep the per-dependency results so a 503 says which check failed
    // only up/down per check: terminus' messages name internal hosts and ports
    const extensions =
      typeof response === 'object' && response?.details
        ? { checks: statusesOnly(response.details) }
        : undefined;
    if (status < 500) {
      const frameworkCode = frameworkCodeOfMessage(exception.getResponse());
      if (frameworkCode || namesTheFramework(httpDetail(exception))) {
        return { ...describeClientError(status, frameworkCode) };
      }
    } else if (!extensions && status !== HttpStatus.SERVICE_UNAVAILABLE) {
      // a framework error Nest wrapped (our code throws domain errors, not 5xx exceptions)
      return INTERNAL;
    }
    const detail = extensions ? 'A dependency is unavailable.' : httpDetail(exception);
    return { status, code: CODE_BY_STATUS[status] ?? 'http_error', detail, extensions };
  }
  const framework = frameworkClientError(exception);
  if (framework) {
    // a SyntaxError with a statusCode is an unparsable body from a body parser
    if (exception instanceof SyntaxError)
      return { status: 400, code: 'bad_request', detail: NOT_JSON };
    return { ...describeClientError(framework.statusCode, framework.code) };
  }
  // a failover or a terminated session in the middle of the request: not a bug of this request
  // (after the client's own errors: a client's reset socket is not the database's)
  if (isConnectionLoss(exception)) return DATABASE_UNAVAILABLE;
  return INTERNAL;
}

/**
 * Every error leaves as RFC 9457 problem+json. Unknown errors become a generic 500 whose
 * log line names the error class only: messages of driver errors can quote SQL or values.
 */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const mapped = map(exception, request);

    const name = exception instanceof Error ? exception.constructor.name : typeof exception;
    if (mapped.status >= 500 && mapped.code === 'internal_error') {
      this.logger.error({ err_class: name }, 'Unhandled error');
    } else if (mapped === DATABASE_UNAVAILABLE) {
      this.logger.warn(
        { err_class: name, code: connectionLossCode(exception) },
        'The database connection was lost during the request; answered 503',
      );
    }

    const problem: Problem = buildProblem(
      mapped.status,
      mapped.code,
      mapped.detail,
      request.url,
      mapped.extensions,
    );
    if (mapped.errors) problem.errors = mapped.errors;
    if (mapped.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(mapped.retryAfterSeconds))));
    }
    for (const [name, value] of Object.entries(mapped.headers ?? {}))
      void reply.header(name, value);

    void reply.status(mapped.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
