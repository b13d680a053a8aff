import { Injectable } from '@nestjs/common';
import { EventHandlerMap, EventHandlers } from '@app/platform';
import {
  CancelledOrderRefundRefused,
  RefundRefused,
} from '../../application/errors/payment-request.errors';
import { RefundOrderPaymentUseCase } from '../../application/use-cases/refund-order-payment.use-case';

/**
 * What payment makes of other services' facts (the catalogue's `payment` consumers), each in the
 * transaction of the event's inbox record: a cancelled order's approved payment is refunded.
 */
@Injectable()
export class PaymentEventHandlers extends EventHandlers {
  constructor(private readonly refundOrderPayment: RefundOrderPaymentUseCase) {
    super();
  }

  readonly handlers: EventHandlerMap = {
    'order.cancelled': async (cancellation) => {
      try {
        await this.refundOrderPayment.execute(cancellation.order_id.toLowerCase());
      } catch (error) {
        if (error instanceof RefundRefused) throw new CancelledOrderRefundRefused(error);
        throw error;
      }
    },
  };
}
