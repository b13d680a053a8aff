import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';

// nestjs-cls keeps one AsyncLocalStorage for the process: the request id and the open
// transaction (@nestjs-cls/transactional) live in the same store.
const cls = ClsServiceManager.getClsService();

/**
 * The id of the request being served (or of the background work running), for outbound calls
 * to carry as X-Request-Id and for every log line (the logger's mixin).
 */
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
    return work();
  });
}
