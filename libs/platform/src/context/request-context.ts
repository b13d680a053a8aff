import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';
import { TRACEPARENT_HEADER, childTraceparent, traceIdFrom } from './trace-context';

// nestjs-cls keeps one AsyncLocalStorage for the process: the request id and the open
// transaction (@nestjs-cls/transactional) live in the same store.
const cls = ClsServiceManager.getClsService();

const TRACE = 'trace';

/**
 * The trace of a request or of background work, worked out the first time something asks for
 * it (an outbound call, an event): most reads never do, and a new trace id costs a random
 * UUID. One object, shared by reference with every context copied from this one (a
 * transaction's), so they all see the same trace id.
 */
class LazyTrace {
  private id: string | undefined;
  constructor(private readonly traceparent: unknown) {}
  traceId(): string {
    return (this.id ??= traceIdFrom(this.traceparent));
  }
}

/**
 * The id of the request being served (or of the background work running), for outbound calls
 * to carry as X-Request-Id and for every log line (the logger's mixin).
 */
export function currentRequestId(): string | undefined {
  return cls.getId();
}

/**
 * A W3C traceparent for an outbound call or an event of the current request or background
 * work: its trace id, a new span id. Undefined outside any context.
 */
export function currentTraceparent(): string | undefined {
  const trace = cls.isActive() ? cls.get<LazyTrace | undefined>(TRACE) : undefined;
  return trace ? childTraceparent(trace.traceId()) : undefined;
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
  const store: Record<string | symbol, unknown> = {
    [CLS_ID]: request.id,
    [TRACE]: new LazyTrace(request.headers[TRACEPARENT_HEADER]),
  };
  cls.runWith(store, done);
}

/**
 * Runs background work (relays, jobs, a received event) under an id of its own, so its calls
 * and logs correlate; `traceparent` (an event's) continues that trace, else a new one starts.
 * Anything else in the context (an open transaction) is kept.
 */
export function runWithRequestId<T>(requestId: string, work: () => T, traceparent?: string): T {
  return cls.run({ ifNested: 'inherit' }, () => {
    cls.set(CLS_ID, requestId);
    cls.set(TRACE, new LazyTrace(traceparent));
    return work();
  });
}
