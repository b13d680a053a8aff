import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@app/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, Problem, problemType, titleOf } from './problem';
import { ValidationFailedException } from './validation-failed.exception';
import { UpstreamUnavailableError } from './upstream-unavailable.error';

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
}

function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof Error &&
    typeof (error as DomainError).kind === 'string' &&
    typeof (error as DomainError).code === 'string' &&
    (error as DomainError).kind in STATUS_BY_KIND
  );
}

/** Fastify's own client errors (malformed JSON, body too large, bad content type) carry a 4xx statusCode. */
function isFastifyClientError(
  error: unknown,
): error is Error & { statusCode: number; code: string } {
  const candidate = error as { statusCode?: unknown; code?: unknown };
  return (
    error instanceof Error &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500 &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('FST_')
  );
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function statusesOnly(details: unknown): Record<string, { status: unknown }> {
  return Object.fromEntries(
    Object.entries(details as Record<string, { status?: unknown }>).map(([name, check]) => [
      name,
      { status: check?.status },
    ]),
  );
}

function map(exception: unknown): Mapped {
  if (exception instanceof ValidationFailedException) {
    return {
      status: 400,
      code: 'validation_error',
      detail: exception.message,
      errors: exception.fieldErrors,
    };
  }
  if (exception instanceof UpstreamUnavailableError) {
    return { status: 503, code: 'upstream_unavailable', detail: exception.message };
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
    const detail = extensions ? 'A dependency is unavailable.' : httpDetail(exception);
    return { status, code: CODE_BY_STATUS[status] ?? 'http_error', detail, extensions };
  }
  if (isFastifyClientError(exception)) {
    const status = exception.statusCode;
    const detail =
      exception.code === 'FST_ERR_CTP_INVALID_JSON' || exception.name === 'SyntaxError'
        ? 'The request body is not valid JSON.'
        : exception.message;
    return { status, code: CODE_BY_STATUS[status] ?? 'bad_request', detail };
  }
  if (exception instanceof SyntaxError) {
    return { status: 400, code: 'bad_request', detail: 'The request body is not valid JSON.' };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'internal_error',
    detail: 'An unexpected error occurred. The request id identifies it in the logs.',
  };
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
    const mapped = map(exception);

    if (mapped.status >= 500 && mapped.code === 'internal_error') {
      const name = exception instanceof Error ? exception.constructor.name : typeof exception;
      this.logger.error({ err_class: name }, 'Unhandled error');
    }

    const problem: Problem = {
      ...(mapped.extensions ?? {}),
      type: problemType(mapped.code),
      title: titleOf(mapped.status),
      status: mapped.status,
      detail: mapped.detail,
      instance: (request.url ?? '').split('?')[0],
    };
    if (mapped.errors) problem.errors = mapped.errors;
    if (mapped.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(mapped.retryAfterSeconds))));
    }

    void reply.status(mapped.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
