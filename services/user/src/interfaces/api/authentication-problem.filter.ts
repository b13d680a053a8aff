import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, Problem, problemType } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  InvalidCredentials,
  TooManyLoginAttempts,
} from '../../application/errors/authentication.errors';

/**
 * 401 and 429 problem+json for the login's failures, in the platform's problem shape. Needed
 * because @app/kernel's DomainError kinds have no 401 or 429 (docs/user-service.md, "Platform
 * gaps"); everything else falls through to the platform's filter.
 */
@Catch(InvalidCredentials, TooManyLoginAttempts)
export class AuthenticationProblemFilter implements ExceptionFilter {
  catch(exception: InvalidCredentials | TooManyLoginAttempts, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const throttled = exception instanceof TooManyLoginAttempts;
    const status = throttled ? 429 : 401;

    const problem: Problem = {
      type: problemType(exception.code),
      title: throttled ? 'Too Many Requests' : 'Unauthorized',
      status,
      detail: exception.message,
      instance: (request.url ?? '').split('?')[0],
    };
    if (throttled) void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
