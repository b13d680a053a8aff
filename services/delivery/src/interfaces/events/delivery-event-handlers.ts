import { Injectable } from '@nestjs/common';
import { EventHandlerMap, EventHandlers } from '@app/platform';
import { CancelDeliveryForOrderUseCase } from '../../application/use-cases/cancel-delivery-for-order.use-case';
import { OpenDeliveryForPaidOrderUseCase } from '../../application/use-cases/open-delivery-for-paid-order.use-case';
import { DeliveryPresenter } from '../api/delivery.presenter';

/**
 * What delivery makes of the order's facts (the catalogue's `delivery` consumers), each in the
 * transaction of the event's inbox record: a paid order with an address gets its delivery; a
 * cancelled one has its pending delivery cancelled, and no delivery opens for it afterwards.
 */
@Injectable()
export class DeliveryEventHandlers extends EventHandlers {
  constructor(
    private readonly openForPaidOrder: OpenDeliveryForPaidOrderUseCase,
    private readonly cancelForOrder: CancelDeliveryForOrderUseCase,
  ) {
    super();
  }

  readonly handlers: EventHandlerMap = {
    'order.paid': async (order) => {
      await this.openForPaidOrder.execute({
        orderId: order.order_id.toLowerCase(),
        userId: order.user_id.toLowerCase(),
        address: order.shipping_address
          ? DeliveryPresenter.toAddress(order.shipping_address)
          : null,
      });
    },
    'order.cancelled': async (order) => {
      await this.cancelForOrder.execute({
        orderId: order.order_id.toLowerCase(),
        cause: order.cause,
      });
    },
  };
}
