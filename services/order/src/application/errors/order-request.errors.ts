import { DomainError } from '@app/kernel';

/** A customer may place orders for themselves only. */
export class OrderForAnotherUser extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'order_for_another_user';

  constructor() {
    super('A customer can only place orders for their own user_id.');
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
