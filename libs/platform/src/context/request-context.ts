import { Injectable, NestMiddleware } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface RequestContextStore {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContextStore>();

/** The id of the request being served, for outbound calls to carry as X-Request-Id. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs the rest of the request inside a context holding its id (set by the Fastify adapter). */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { id?: string }, _res: ServerResponse, next: () => void): void {
    storage.run({ requestId: req.id ?? '' }, next);
  }
}

/** Runs background work (relays, jobs) under an id of its own, so its calls and logs correlate. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}
