import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';

// nestjs-cls keeps one AsyncLocalStorage for the process: the request id and the open
// transaction (@nestjs-cls/transactional) live in the same store.
const cls = ClsServiceManager.getClsService();

// the id given by runWithRequestId, which no request logger carries
const BACKGROUND_ID = Symbol('background-request-id');

/** The id of the request being served, for outbound calls to carry as X-Request-Id. */
export function currentRequestId(): string | undefined {
  return cls.getId();
}

/**
 * Fastify onRequest hook: the rest of the request runs in a fresh context holding its id
 * (accepted or generated once by the adapter's genReqId). A hook rather than ClsMiddleware,
 * so requests skip @fastify/middie's route matching for it (docs/performance.md).
 */
export function enterRequestContext(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  cls.runWith({ [CLS_ID]: request.id }, done);
}

/**
 * Runs background work (relays, jobs) under an id of its own, so its calls and logs correlate.
 * Anything else in the context (an open transaction) is kept.
 */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return cls.run({ ifNested: 'inherit' }, () => {
    cls.set(CLS_ID, requestId);
    cls.set(BACKGROUND_ID, requestId);
    return work();
  });
}

/**
 * pino mixin: lines logged by background work carry its id. A request's lines get theirs from
 * pino-http's per-request logger, so this adds nothing there (no second `request_id`).
 */
export function backgroundLogFields(): { request_id?: string } {
  const requestId = cls.get<string | undefined>(BACKGROUND_ID);
  return requestId === undefined ? {} : { request_id: requestId };
}
