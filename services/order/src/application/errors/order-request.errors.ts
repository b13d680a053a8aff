import { DomainError, DomainErrorKind } from '@app/kernel';
import { RecordedError } from '../ports/idempotency-store.port';

/** A customer may place orders for themselves only. */
export class OrderForAnotherUser extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'order_for_another_user';

  constructor() {
    super('A customer can only place orders for their own user_id.');
  }
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

/** A service message id is unique platform-wide; the same id for another order is a sender bug. */
export class MessageIdReused extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'message_id_reused';

  constructor(messageId: string, orderId: string) {
    super(`Message ${messageId} was already processed for order ${orderId}.`, {
      message_id: messageId,
      order_id: orderId,
    });
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
