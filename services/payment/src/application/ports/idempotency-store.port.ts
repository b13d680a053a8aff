import { DomainErrorKind } from '@app/kernel';

// The same contract as the order service's IdempotencyStore (docs/order-service.md): a
// candidate to move into libs/platform once a third service needs it.

export interface IdempotencyScope {
  /** the authenticated user's id: keys of different callers never meet */
  callerId: string;
  key: string;
  /** SHA-256 (hex) of the canonical request body (card number and CVC left out) */
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
 * Idempotency keys in PostgreSQL. `claim` commits on its own (others must see it at once);
 * `complete` joins the unit of work, so the stored answer commits with the payment's outcome.
 */
export abstract class IdempotencyStore {
  abstract claim(scope: IdempotencyScope): Promise<IdempotencyClaim>;
  /** False when this request no longer owns the key (its lease ran out and another took it). */
  abstract complete(
    scope: IdempotencyScope,
    token: string,
    outcome: StoredOutcome,
  ): Promise<boolean>;
  /** Forgets the key so that a retry runs again (after a 409 conflict, a 503, a bug). */
  abstract abandon(scope: IdempotencyScope, token: string): Promise<void>;
}
