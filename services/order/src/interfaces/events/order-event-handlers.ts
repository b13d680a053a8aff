import { Injectable } from '@nestjs/common';
import { EventPayload } from '@app/contracts';
import { EventHandlerMap, EventHandlers } from '@app/platform';
import { ChangeOrderStatusUseCase } from '../../application/use-cases/change-order-status.use-case';
import { RecordOrderEventUseCase } from '../../application/use-cases/record-order-event.use-case';
import { CAUSE_MAX } from '../../domain/entities/order';

/**
 * What the order makes of the other services' facts (the catalogue's `order` consumers). Each
 * runs in the transaction of the event's inbox record, so an event applies once; the use cases
 * make late, repeated and early facts harmless (docs/messaging.md "The events").
 */
@Injectable()
export class OrderEventHandlers extends EventHandlers {
  constructor(
    private readonly changeStatus: ChangeOrderStatusUseCase,
    private readonly recordEvent: RecordOrderEventUseCase,
  ) {
    super();
  }

  readonly handlers: EventHandlerMap = {
    'payment.approved': async (payment, meta) => {
      await this.changeStatus.execute({
        orderId: payment.order_id.toLowerCase(),
        eventId: meta.event_id,
        target: 'pagada',
        cause: 'payment approved',
        paymentId: payment.payment_id.toLowerCase(),
      });
    },
    'delivery.in_transit': async (delivery, meta) => {
      await this.changeStatus.execute({
        orderId: delivery.order_id.toLowerCase(),
        eventId: meta.event_id,
        target: 'enviada',
        cause: 'delivery left the warehouse',
        deliveryId: delivery.delivery_id.toLowerCase(),
      });
    },
    'delivery.delivered': async (delivery, meta) => {
      await this.changeStatus.execute({
        orderId: delivery.order_id.toLowerCase(),
        eventId: meta.event_id,
        target: 'entregada',
        cause: 'delivery reached its address',
        deliveryId: delivery.delivery_id.toLowerCase(),
      });
    },
    'payment.refunded': async (refund, meta) => {
      await this.recordEvent.execute({
        orderId: refund.order_id.toLowerCase(),
        eventId: meta.event_id,
        type: 'refunded',
        cause: `payment refunded (${refund.amount.toFixed(2)})`,
        paymentId: refund.payment_id.toLowerCase(),
      });
    },
    'order.validated': async (validation, meta) => {
      await this.recordEvent.execute({
        orderId: validation.order_id.toLowerCase(),
        eventId: meta.event_id,
        type: 'validated',
        cause: validationCause(validation),
      });
    },
  };
}

/** `valid`, or `invalid: <codes>`, within the history's cause length. */
function validationCause(validation: EventPayload<'order.validated'>): string {
  if (validation.valid) return 'validated: valid';
  const codes = [...new Set(validation.errors.map((error) => error.code))].join(', ');
  return `validated: invalid (${codes || 'no reason given'})`.slice(0, CAUSE_MAX);
}
