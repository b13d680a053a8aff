import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Post,
  Req,
  Res,
  Type,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ServiceAuth } from '../auth/auth.decorators';
import type { RequestWithCaller } from '../auth/service-key.guard';
import type { ServiceName } from '../auth/service-name';
import { DomainError } from '@app/kernel';
import { ApiProblem, problemExample } from '../errors/api-problem.decorator';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem';
import { EventDispatcher } from './event-dispatcher';
import { EVENTS_PATH } from './event-routing';

const ENVELOPE_SCHEMA = {
  type: 'object',
  description:
    'An integration event envelope (docs/asyncapi.yaml): the payload is checked against the ' +
    'catalogue for its type and version.',
  required: ['id', 'type', 'version', 'occurred_at', 'producer', 'subject', 'payload'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', example: 'payment.approved' },
    version: { type: 'integer', minimum: 1, example: 1 },
    occurred_at: { type: 'string', format: 'date-time' },
    producer: { type: 'string', example: 'payment' },
    subject: { type: 'string', description: 'the order id' },
    request_id: { type: 'string' },
    traceparent: { type: 'string' },
    payload: { type: 'object', additionalProperties: true },
  },
};

class EventNotAppliedYet extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'event_not_applied_yet';
  override readonly retryAfterSeconds = 1;
}

/**
 * The HTTP push transport's receiving end (`POST /api/v1/internal/events`), for the producers
 * of the events this service consumes. 200 once applied (or already applied), 422 when the event
 * can never apply (the relay dead-letters it), 503 when it should come again later.
 */
export function eventsControllerFor(producers: readonly ServiceName[]): Type<unknown> {
  @ApiTags('platform (service-to-service)')
  @Controller(EVENTS_PATH.replace('/api/v1/', ''))
  class EventsController {
    constructor(readonly dispatcher: EventDispatcher) {}

    async receive(
      body: unknown,
      reply: FastifyReply,
      request: RequestWithCaller,
    ): Promise<{ status: string }> {
      // a producer's key posts that producer's events only: no service speaks for another
      const producer = (body as { producer?: unknown } | null)?.producer;
      if (typeof producer === 'string' && producer !== request.serviceCaller) {
        throw new ForbiddenException('This service credential may post its own events only.');
      }
      const outcome = await this.dispatcher.dispatch(body);
      if (outcome.result === 'done') {
        return { status: outcome.duplicate ? 'duplicate' : 'applied' };
      }
      if (outcome.result === 'retry') {
        throw new EventNotAppliedYet(
          `The event cannot be applied now (${outcome.reason}); send it again.`,
        );
      }
      void reply.code(422).header('content-type', PROBLEM_CONTENT_TYPE);
      return buildProblem(
        422,
        'event_rejected',
        `The event can never apply here (${outcome.reason}).`,
        EVENTS_PATH,
      ) as unknown as { status: string };
    }
  }
  const method = Object.getOwnPropertyDescriptor(EventsController.prototype, 'receive')!;
  const decorate = (...decorators: MethodDecorator[]) =>
    decorators.forEach((d) => d(EventsController.prototype, 'receive', method));
  decorate(
    Post(),
    HttpCode(200),
    // the operation first: ServiceAuth adds its callers line to the description
    ApiOperation({
      summary: 'Receive an integration event (HTTP push transport)',
      description:
        'Applied once per event id (inbox), in the transaction of its effect. A producer posts ' +
        'its own events only (another producer on the envelope: 403).',
    }),
    ServiceAuth(...(producers as [ServiceName, ...ServiceName[]])),
    ApiBody({ schema: ENVELOPE_SCHEMA }),
    ApiOkResponse({
      description: 'Applied now, or already applied before (a duplicate).',
      schema: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'string', enum: ['applied', 'duplicate'] } },
      },
    }),
    ApiProblem(403, "Another producer's event: a service credential posts its own events only.", {
      notYours: problemExample(
        403,
        'forbidden',
        'This service credential may post its own events only.',
        EVENTS_PATH,
      ),
    }),
    ApiProblem(422, 'Not an event of the catalogue this service consumes, or an invalid payload.', {
      rejected: problemExample(
        422,
        'event_rejected',
        'The event can never apply here (invalid_payload).',
        EVENTS_PATH,
      ),
    }),
    ApiProblem(503, 'The event cannot be applied now (a dependency is down, or it came early).', {
      later: problemExample(
        503,
        'event_not_applied_yet',
        'The event cannot be applied now (QueryFailedError); send it again.',
        EVENTS_PATH,
      ),
    }),
  );
  // the envelope is checked by the dispatcher against the catalogue, not by the DTO pipe
  Reflect.defineMetadata(
    'design:paramtypes',
    [Object, Object],
    EventsController.prototype,
    'receive',
  );
  Body()(EventsController.prototype, 'receive', 0);
  Res({ passthrough: true })(EventsController.prototype, 'receive', 1);
  Req()(EventsController.prototype, 'receive', 2);
  Object.defineProperty(EventsController.prototype, 'receive', method);
  return EventsController;
}
