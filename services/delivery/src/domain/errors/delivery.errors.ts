import { DomainError } from '@app/kernel';
import { DeliveryStatus } from '../entities/delivery-status';

/** Also the answer for another customer's delivery: no existence leak. */
export class DeliveryNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'delivery_not_found';

  constructor(id: string) {
    super(`Delivery ${id} not found`, { delivery_id: id });
  }
}

export class TrackingNumberNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'tracking_number_not_found';

  constructor(trackingNumber: string) {
    super(`No delivery has tracking number ${trackingNumber}`, { tracking_number: trackingNumber });
  }
}

export class IllegalDeliveryTransition extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'illegal_transition';

  constructor(
    readonly from: DeliveryStatus,
    readonly to: DeliveryStatus,
  ) {
    super(`A delivery cannot go from ${from} to ${to}`, {
      current_status: from,
      requested_status: to,
    });
  }
}

/**
 * An order asked to stop its goods (it is being cancelled) after they left: the order is not
 * cancelled, it ships. The delivery's status says how far it got.
 */
export class DeliveryAlreadyLeft extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'delivery_already_left';

  constructor(orderId: string, deliveryId: string, status: DeliveryStatus) {
    super(`The delivery of order ${orderId} has left (${status}); it can no longer be stopped`, {
      order_id: orderId,
      delivery_id: deliveryId,
      current_status: status,
    });
  }
}

/** A delivery value breaks an invariant (the DTOs and configuration catch these first). */
export class InvalidDelivery extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_delivery';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

/** An order without a delivery (none was opened: not paid yet, no address, or cancelled). */
export class NoDeliveryForOrder extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'delivery_not_found';

  constructor(orderId: string) {
    super(`Order ${orderId} has no delivery`, { order_id: orderId });
  }
}
