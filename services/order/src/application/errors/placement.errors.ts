import { DomainError } from '@app/kernel';

/**
 * The placement was given up while its request still ran (it outlived
 * ORDER_PLACEMENT_TIMEOUT_SECONDS, and recovery released its stock): the order is not stored.
 * A 503 like any upstream trouble, so the client retries; the retry is a new placement. Not a
 * business refusal, so an Idempotency-Key does not keep it.
 */
export class PlacementAbandoned extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'upstream_unavailable';
  override readonly retryAfterSeconds = 1;

  constructor() {
    super('The order could not be placed in time and nothing was kept. Try again shortly.');
  }
}
