import { DomainError, DomainErrorKind } from './domain-error';

// Idempotency-Key: one answer per caller and key, however often a request is retried. The port,
// its types, the refusals and the replay rules are shared by every service that takes the
// header (order, payment); the platform binds the port to its PostgreSQL adapter
// (`PlatformModule.forRoot({ idempotency })`, libs/platform/src/idempotency).

export interface IdempotencyScope {
  /** the authenticated user's id: keys of different callers never meet */
  callerId: string;
  key: string;
  /** SHA-256 (hex) of what identifies the request, usually its canonical body */
  requestHash: string;
}

/** A business refusal, kept so that a retry with the same key gets the same problem. */
export interface RecordedError {
  kind: DomainErrorKind;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type StoredOutcome =
  { kind: 'response'; status: number; body: unknown } | { kind: 'error'; error: RecordedError };

export type IdempotencyClaim =
  /** this request owns the key until it completes or abandons it (or its lease runs out) */
  | { kind: 'acquired'; token: string }
  | { kind: 'completed'; outcome: StoredOutcome }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

/**
 * Idempotency keys in the service's database. `claim` commits on its own (others must see it at
 * once); `complete` joins the unit of work, so the stored answer commits with the change it
 * describes. An acquired key is held on a short lease that the store renews while the request
 * runs, until it completes or abandons the key: if its process dies, the key is free for a
 * retry seconds later. Every acquired key must end in `complete` or `abandon`.
 */
export abstract class IdempotencyStore {
  abstract claim(scope: IdempotencyScope): Promise<IdempotencyClaim>;
  /** False when this request no longer owns the key (its lease ran out and another took it). */
  abstract complete(
    scope: IdempotencyScope,
    token: string,
    outcome: StoredOutcome,
  ): Promise<boolean>;
  /** Forgets the key so that a retry runs again (after a 503, a bug, …). */
  abstract abandon(scope: IdempotencyScope, token: string): Promise<void>;
}

export class IdempotencyKeyInFlight extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'idempotency_key_in_flight';

  constructor() {
    super('A request with this Idempotency-Key is still being processed. Retry shortly.');
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'idempotency_key_reused';

  constructor() {
    super('This Idempotency-Key was already used with a different request body.');
  }
}

/** The first answer to an idempotent request was this refusal; a replay repeats it. */
export class ReplayedError extends DomainError {
  readonly kind: DomainErrorKind;
  readonly code: string;

  constructor(recorded: RecordedError) {
    super(recorded.message, recorded.details);
    this.kind = recorded.kind;
    this.code = recorded.code;
  }
}

/**
 * What a claim this request did not acquire means: the stored answer to replay, or a refusal
 * thrown (409 still in flight, 422 another body, or the stored refusal again).
 */
export function replayOf(claim: Exclude<IdempotencyClaim, { kind: 'acquired' }>): {
  status: number;
  body: unknown;
} {
  switch (claim.kind) {
    case 'in_flight':
      throw new IdempotencyKeyInFlight();
    case 'mismatch':
      throw new IdempotencyKeyReused();
    case 'completed':
      if (claim.outcome.kind === 'error') throw new ReplayedError(claim.outcome.error);
      return { status: claim.outcome.status, body: claim.outcome.body };
  }
}

/**
 * Settles the key of a request that failed: a business refusal that `keep` accepts is stored,
 * so a retry gets it again; anything else (503, a bug) forgets the key, so a retry runs again.
 * Rejects when the store does; the lease then runs out on its own.
 */
export async function settleFailedRequest(
  store: IdempotencyStore,
  scope: IdempotencyScope,
  token: string,
  error: unknown,
  keep: (refusal: DomainError) => boolean,
): Promise<void> {
  if (error instanceof DomainError && keep(error)) {
    const recorded: RecordedError = {
      kind: error.kind,
      code: error.code,
      message: error.message,
      details: error.details,
    };
    await store.complete(scope, token, { kind: 'error', error: recorded });
  } else {
    await store.abandon(scope, token);
  }
}
